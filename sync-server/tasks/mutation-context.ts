// What a mutation handler works with, and how it refuses: a handler throws `MutationRejected`
// (usually through `ensure` on a tree manager verdict); the push records the rejection, rolls
// back whatever the handler wrote, and goes on with the next mutation.
import type { Caller } from '../identity/authenticate';
import type { Verdict } from '../tree-manager/submissions';
import type { WriteSession } from '../trees/write-session';

export interface MutationContext {
	session: WriteSession;
	caller: Caller;
	clientId: string;
	seq: number;
}

export interface MutationResult {
	messageId?: string;
}

export class MutationRejected extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super(message);
		this.name = 'MutationRejected';
	}
}

export function reject(code: string, message: string): never {
	throw new MutationRejected(code, message);
}

/** Passes an accepted verdict through; a rejected one rejects the mutation with its reason. */
export function ensure<T extends object>(verdict: Verdict<T>): { ok: true } & T {
	if (!verdict.ok) reject(verdict.code, verdict.message);
	return verdict;
}

// What "Share to improve Hearth" sends: the chat as the server's `donate_chat` takes it. The
// person picks the visible thread or the whole tree under its first message (with every
// regenerated reply and edited branch); either way only finished, non-empty messages go, parents
// before replies, and the conversation's system prompt and settings stay on the device. A
// reply's thumb goes only when the person chose to share thumbs; among regenerated replies the
// one the visible thread goes on with is marked kept, a preference over its siblings. A reply that
// called tools goes with its calls and their results, so it teaches the calls as well as the
// answer; one whose calls did not all succeed teaches neither and stays, like a failed reply. Pure.
import type { StoredMessage } from '$lib/db/records/message';
import { versionedModelName, type DonatedMessage } from '$lib/protocol/donations';
import { replyToolStepsSchema, type ReplyToolStep, type ToolStep } from '$lib/protocol/tools';
import { pathTo } from './tree';

/**
 * A chat reply's tool rounds as a dataset takes them (`ReplyToolStep`: no timing, status or
 * sources), or null when they cannot teach: a call failed (a tool that does not exist,
 * arguments its tool refused, a tool that threw or timed out), the model wrote more calls in a
 * round than were run (a dataset would teach it calls it did not write), or the rounds exceed the
 * limits.
 */
function replyToolStepsOf(steps: readonly ToolStep[]): ReplyToolStep[] | null {
	const failed = (step: ToolStep) =>
		step.notRun !== undefined || step.calls.some((call) => call.status !== 'ok');
	if (steps.some(failed)) return null;
	const parsed = replyToolStepsSchema.safeParse(
		steps.map((step) => ({
			text: step.text,
			calls: step.calls.map(({ name, arguments: args, result }) => ({
				name,
				arguments: args,
				result
			}))
		}))
	);
	return parsed.success ? parsed.data : null;
}

export type DonationScope = 'thread' | 'tree';

export interface DonationChoice {
	scope: DonationScope;
	includeVotes: boolean;
	/** Texts the person changed in the preview (to take personal data out), by message id. */
	edits: Readonly<Record<string, string>>;
}

/**
 * A reply that failed or whose tool calls did not all succeed, or a message with no text, cannot
 * be shared, nor what hangs below it.
 */
function shareable(m: StoredMessage): boolean {
	if (m.steps?.length && replyToolStepsOf(m.steps) === null) return false;
	return m.content.trim() !== '' && m.finishReason !== 'error';
}

/** The thread's root and every message below it that can be shared, parents first. */
function treeUnder(messages: readonly StoredMessage[], rootId: string): StoredMessage[] {
	const out: StoredMessage[] = [];
	let level = messages.filter((m) => m.id === rootId && shareable(m));
	while (level.length > 0) {
		out.push(...level);
		const parents = new Set(level.map((m) => m.id));
		level = messages
			.filter((m) => m.parentId !== null && parents.has(m.parentId) && shareable(m))
			.sort((a, b) => a.createdAt - b.createdAt);
	}
	return out;
}

/** The visible thread up to its first message that cannot be shared. */
function threadTo(messages: readonly StoredMessage[], leafId: string): StoredMessage[] {
	const path = pathTo(messages, leafId);
	const broken = path.findIndex((m) => !shareable(m));
	return broken === -1 ? path : path.slice(0, broken);
}

/** The messages a donation holds, as `donate_chat` takes them. */
export function donatedMessages(
	messages: readonly StoredMessage[],
	leafId: string | null,
	choice: DonationChoice
): DonatedMessage[] {
	if (leafId === null) return [];
	const thread = threadTo(messages, leafId);
	if (thread.length === 0) return [];
	const chosen = choice.scope === 'thread' ? thread : treeUnder(messages, thread[0].id);
	// A reply on the visible thread with siblings beside it is the one the person went on with.
	const onThread = new Set(thread.map((m) => m.id));
	const siblings = (m: StoredMessage) =>
		chosen.filter((o) => o.parentId === m.parentId && o.role === m.role).length;
	return chosen.map((m) => ({
		ref: m.id,
		parentRef: m.parentId,
		role: m.role === 'user' ? 'prompter' : 'assistant',
		text: choice.edits[m.id] ?? m.content,
		modelName:
			m.role === 'assistant' ? versionedModelName(m.model ?? 'unknown', m.modelVersion) : null,
		vote: m.role === 'assistant' && choice.includeVotes ? (m.feedback ?? null) : null,
		kept: m.role === 'assistant' && onThread.has(m.id) && siblings(m) > 1,
		...(m.role === 'assistant' && m.steps?.length && { toolSteps: replyToolStepsOf(m.steps)! })
	}));
}

// What this device keeps, counted for Settings: what a user would lose by clearing site data.
import type { HearthStorage } from './open';

export interface LocalDataCounts {
	conversations: number;
	drafts: number;
	/** Changes in the outbox, not yet accepted by the server. */
	pending: number;
}

export async function countLocalData(storage: HearthStorage): Promise<LocalDataCounts> {
	const [conversations, drafts, pending] = await Promise.all([
		storage.conversations.count(),
		storage.drafts.count(),
		storage.outbox.count()
	]);
	return { conversations, drafts, pending };
}

/** "1 conversation, 2 unsent drafts, 0 changes waiting to sync". */
export function describeLocalData({ conversations, drafts, pending }: LocalDataCounts): string {
	const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
	return (
		`${plural(conversations, 'conversation', 'conversations')}, ` +
		`${plural(drafts, 'unsent draft', 'unsent drafts')}, ` +
		`${plural(pending, 'change', 'changes')} waiting to sync`
	);
}

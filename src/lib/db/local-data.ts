// What this device keeps, counted for Settings: what a user would lose by clearing site data.
import type { HearthStorage } from './open';

export interface LocalDataCounts {
	conversations: number;
	/** Notes and files on the Documents page. */
	documents: number;
	drafts: number;
	/** Changes in the outbox, not yet accepted by the server. */
	pending: number;
}

export async function countLocalData(storage: HearthStorage): Promise<LocalDataCounts> {
	const [conversations, documents, drafts, pending] = await Promise.all([
		storage.conversations.count(),
		storage.documents.count(),
		storage.drafts.count(),
		storage.outbox.count()
	]);
	return { conversations, documents, drafts, pending };
}

/** "1 conversation, 3 documents, 2 unsent drafts, 0 changes waiting to sync". */
export function describeLocalData({
	conversations,
	documents,
	drafts,
	pending
}: LocalDataCounts): string {
	const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
	return (
		`${plural(conversations, 'conversation', 'conversations')}, ` +
		`${plural(documents, 'document', 'documents')}, ` +
		`${plural(drafts, 'unsent draft', 'unsent drafts')}, ` +
		`${plural(pending, 'change', 'changes')} waiting to sync`
	);
}

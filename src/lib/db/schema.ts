import type { Transaction } from 'dexie';

// Every schema change is a new version here with an upgrade function; the versions already
// shipped never change, because devices in the field hold data written under them.

/** Version 1: conversations ordered by creation. */
export const storesV1 = {
	conversations: 'id, createdAt',
	messages: 'id, conversationId, parentId',
	drafts: 'key',
	tasks: 'id, expiresAt',
	outbox: '++seq',
	settings: 'key',
	modelBlobs: 'sha256, model'
} as const;

/** Version 2: the conversation list is ordered by last activity, so it needs `updatedAt`. */
export const storesV2 = {
	...storesV1,
	conversations: 'id, updatedAt'
} as const;

/**
 * Backfills `updatedAt` for conversations written under version 1: the time of their newest
 * message, or their creation time when they have none.
 */
export async function upgradeToV2(tx: Transaction): Promise<void> {
	const lastActivity = new Map<string, number>();
	await tx
		.table('messages')
		.each((m: { conversationId: string; createdAt: number }) =>
			lastActivity.set(
				m.conversationId,
				Math.max(lastActivity.get(m.conversationId) ?? 0, m.createdAt)
			)
		);
	await tx
		.table('conversations')
		.toCollection()
		.modify((c: { id: string; createdAt: number; updatedAt?: number }) => {
			c.updatedAt = Math.max(c.createdAt, lastActivity.get(c.id) ?? 0);
		});
}

/**
 * Version 3: the log of contributions queued on this device (pending, applied or rejected by
 * the server), found by the outbox `seq` that carries each and by state. Nothing to backfill:
 * version 2 never queued contributions.
 */
export const storesV3 = {
	...storesV2,
	contributions: 'taskId, seq, state, createdAt'
} as const;

/**
 * Version 4: the user's documents (notes and added files) for the search tool, listed and
 * re-indexed by `updatedAt`. Nothing to backfill: version 3 kept no documents.
 */
export const storesV4 = {
	...storesV3,
	documents: 'id, updatedAt'
} as const;

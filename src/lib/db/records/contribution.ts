import type { TaskType } from '$lib/protocol/tasks';
import type { MessageStatus } from '$lib/protocol/trees';

/** Where a contribution made on this device stands, as far as the device knows. */
export type ContributionSyncState = 'pending' | 'applied' | 'rejected';

/**
 * A task result (or skip) the contributor queued on this device: written in the same
 * transaction as its outbox entry, so "My contributions" can show work that has not reached
 * the server yet, and why the server refused what it refused.
 */
export interface StoredContribution {
	/** The task it answers. */
	taskId: string;
	/** The outbox entry carrying it (renumbered with the entry if the outbox is compacted). */
	seq: number;
	taskType: TaskType;
	/** What was done: wrote a message, ranked replies, labelled a message, or skipped. */
	kind: 'message' | 'ranking' | 'review' | 'skip';
	/** A short text for lists: the start of what was written, or of what was ranked/labelled. */
	summary: string;
	treeId: string | null;
	/** The labelled message, or the parent whose replies were ranked or answered. */
	targetId: string | null;
	lang: string;
	createdAt: number;
	state: ContributionSyncState;
	/** Why the server refused it (its stable code and a sentence for people). */
	rejection: { code: string; message: string } | null;
	/** The server's id of a written message, once applied. */
	messageId: string | null;
	/** The written message's review status and rank, as last pulled. */
	status: MessageStatus | null;
	rank: number | null;
}

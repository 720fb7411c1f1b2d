// Folding a pull into what the device holds. Pure: the sync engine reads the tables, calls
// these, and writes the answer in one transaction.
import type { HeldTask } from '$lib/db/records/leased-task';
import type { StoredContribution } from '$lib/db/records/contribution';
import type { LeasedTask, OwnMessage } from '$lib/protocol/sync';

/** A lease from the server as the device stores it. */
export function toHeldTask(lease: LeasedTask): HeldTask {
	return {
		id: lease.task.id,
		type: lease.task.type,
		lang: lease.task.lang,
		leasedAt: lease.leasedAt,
		expiresAt: lease.expiresAt,
		tags: [...lease.tags],
		task: lease.task
	};
}

/**
 * The server's list of open leases replaces the device's, except for tasks the device already
 * answered (their results wait in the outbox, so the server still counts them open): those
 * stay done and are not brought back.
 */
export function mergeLeases(
	held: readonly Pick<HeldTask, 'id'>[],
	leases: readonly LeasedTask[],
	answered: ReadonlySet<string>
): { put: HeldTask[]; remove: string[] } {
	const open = leases.filter((lease) => !answered.has(lease.task.id));
	const openIds = new Set(open.map((lease) => lease.task.id));
	return {
		put: open.map(toHeldTask),
		remove: held.filter((task) => !openIds.has(task.id)).map((task) => task.id)
	};
}

export type ContributionChange = {
	taskId: string;
	changes: Pick<StoredContribution, 'state' | 'messageId' | 'status' | 'rank'>;
};

/**
 * What the pulled messages say about the device's own contributions: a message the server
 * has from one of them means it was applied; its review status and rank are copied. Matched by
 * task id (stable even when the outbox was renumbered), else by this client's seq.
 */
export function contributionChanges(
	contributions: readonly StoredContribution[],
	messages: readonly OwnMessage[],
	clientId: string
): ContributionChange[] {
	const byTask = new Map(contributions.map((c) => [c.taskId, c]));
	const bySeq = new Map(contributions.map((c) => [c.seq, c]));
	const changes: ContributionChange[] = [];
	for (const message of messages) {
		const mine =
			(message.taskId !== null ? byTask.get(message.taskId) : undefined) ??
			(message.clientId === clientId && message.seq !== null ? bySeq.get(message.seq) : undefined);
		if (!mine || mine.kind !== 'message') continue;
		changes.push({
			taskId: mine.taskId,
			changes: {
				state: 'applied',
				messageId: message.id,
				status: message.status,
				rank: message.rank
			}
		});
	}
	return changes;
}

// Handing tasks back: the contributor will not do them after all. For each task, the outbox
// entry that tells the server (`release_task`: no reason asked, nothing counted against the
// work), dropping its draft, and dropping the task from the device happen in one Dexie
// transaction, as queuing a result does; the next sync (or lease) frees the slots on the server.
import type { HearthStorage } from '$lib/db/open';
import type { QueuedMutation } from '$lib/sync/outbox-batch';
import { draftKey } from './task-draft';

/** Hands back the held tasks among `taskIds`; resolves to how many were handed back. */
export async function handBackTasks(
	storage: HearthStorage,
	taskIds: readonly string[],
	now: number = Date.now()
): Promise<number> {
	const { db } = storage;
	return db.transaction('rw', [db.outbox, db.drafts, db.tasks], async () => {
		let count = 0;
		for (const taskId of new Set(taskIds)) {
			if (!(await storage.tasks.get(taskId))) continue;
			const mutation: QueuedMutation = { name: 'release_task', args: { taskId } };
			await storage.outbox.enqueue(mutation, now);
			await storage.drafts.discard(draftKey(taskId));
			await storage.tasks.release(taskId);
			count++;
		}
		return count;
	});
}

/** The tasks among `taskIds` with a saved draft: work in progress that handing back would lose. */
export async function startedTasks(
	storage: HearthStorage,
	taskIds: readonly string[]
): Promise<Set<string>> {
	const drafts = await Promise.all(taskIds.map((id) => storage.drafts.get(draftKey(id))));
	return new Set(taskIds.filter((_, i) => drafts[i] !== undefined));
}

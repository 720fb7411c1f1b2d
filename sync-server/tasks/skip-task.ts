// Skipping a task, with a reason: the work is never offered to this contributor again, and a
// skipped reply counts against its parent message (enough of them halt the tree).
import type { Skip } from '../../src/lib/protocol/tasks';
import type { MutationContext, MutationResult } from './mutation-context';
import { skipOutcome } from '../tree-manager/offers';
import { settleAndPersist } from '../trees/persist-settlement';
import { lockRows } from '../db/transaction';
import { loadTree } from '../trees/tree-store';
import { finishLease, takeLease } from './leased-work';

export async function skipTask(ctx: MutationContext, skip: Skip): Promise<MutationResult> {
	const { session, caller } = ctx;
	const lease = await takeLease(ctx, skip.taskId);
	const task = lease.task;
	if (task.type !== 'initial_prompt') {
		const target = 'messageId' in task ? task.messageId : task.parentId;
		const outcome = skipOutcome(task.type, target);
		const inserted = await session.trx
			.insertInto('skips')
			.values({
				user_id: caller.userId,
				offer_key: outcome.offerKey,
				tree_id: task.treeId,
				task_type: task.type,
				reason: skip.reason,
				note: skip.note ?? null,
				created_at: session.now
			})
			.onConflict((oc) => oc.columns(['user_id', 'offer_key']).doNothing())
			.executeTakeFirst();
		const counted = Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
		if (counted && outcome.replySkipOn !== null) {
			await lockRows(session.trx, session.database, 'trees', [task.treeId]);
			await session.trx
				.updateTable('messages')
				.set((eb) => ({ reply_skips: eb('reply_skips', '+', 1) }))
				.where('id', '=', outcome.replySkipOn)
				.execute();
			const tree = await loadTree(session.trx, task.treeId, session.now);
			if (tree) await settleAndPersist(session, tree);
		}
	}
	await finishLease(ctx, lease, 'skipped');
	return {};
}

// A ranking of sibling replies (or "none of these can be ranked"), checked against the replies
// the task showed; the last ranking a tree needs moves it to scoring and export.
import type { RankSubmission } from '../../src/lib/protocol/tasks';
import { insertAwards } from '../trees/awards';
import { ensure, reject, type MutationContext, type MutationResult } from './mutation-context';
import { pointsFor } from '../tree-manager/points';
import { checkRanking } from '../tree-manager/submissions';
import { settleAndPersist } from '../trees/persist-settlement';
import { lockRows } from '../db/transaction';
import { loadTree } from '../trees/tree-store';
import { finishLease, taskOfType, takeLease } from './leased-work';

export async function submitRanking(
	ctx: MutationContext,
	submission: RankSubmission
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const lease = await takeLease(ctx, submission.taskId);
	const task = taskOfType(lease, submission.type);
	const shownIds = task.replies.map((r) => r.id);
	const ranking = submission.notRankable ? null : submission.ranking!;
	await lockRows(session.trx, session.database, 'trees', [task.treeId]);
	const tree = await loadTree(session.trx, task.treeId, session.now);
	if (!tree) reject('target_missing', `The conversation ${task.treeId} no longer exists.`);
	const verdict = ensure(
		checkRanking(tree, {
			type: task.type,
			parentId: task.parentId,
			userId: caller.userId,
			shownIds,
			ranking
		})
	);
	await session.trx
		.insertInto('rankings')
		.values({
			parent_id: task.parentId,
			user_id: caller.userId,
			tree_id: tree.id,
			position: tree.rankings.length,
			task_type: task.type,
			shown_ids: JSON.stringify(shownIds),
			ranking: ranking === null ? null : JSON.stringify(ranking),
			late: verdict.late ? 1 : 0,
			task_id: task.id,
			created_at: session.now
		})
		.execute();
	await insertAwards(session, [
		{
			userId: caller.userId,
			points: pointsFor({ kind: 'ranked' }, session.treeConfig),
			kind: 'ranked',
			messageId: task.parentId,
			treeId: tree.id
		}
	]);
	const record = {
		parentId: task.parentId,
		userId: caller.userId,
		shownIds,
		ranking,
		at: session.now
	};
	await settleAndPersist(session, { ...tree, rankings: [...tree.rankings, record] });
	await finishLease(ctx, lease, 'done');
	return {};
}

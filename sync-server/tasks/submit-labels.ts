// A label review of a message: stored (late if it no longer decides the review), credited,
// and the tree settled — the third review decides acceptance.
import { queueFlagLabels } from '../../src/lib/protocol/moderation';
import type { LabelSubmission } from '../../src/lib/protocol/tasks';
import { insertAwards } from '../trees/awards';
import { ensure, reject, type MutationContext, type MutationResult } from './mutation-context';
import { pointsFor } from '../tree-manager/points';
import { checkLabels } from '../tree-manager/submissions';
import { settleAndPersist } from '../trees/persist-settlement';
import { lockRows } from '../db/transaction';
import { loadTree } from '../trees/tree-store';
import { finishLease, taskOfType, takeLease } from './leased-work';

export async function submitLabels(
	ctx: MutationContext,
	submission: LabelSubmission
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const lease = await takeLease(ctx, submission.taskId);
	const task = taskOfType(lease, submission.type);
	if (submission.messageId !== task.messageId) {
		reject('task_mismatch', `Task ${task.id} is about message ${task.messageId}.`);
	}
	// The form decides the points, so it is the task's, not the submitter's choice.
	if (submission.form !== task.form) {
		reject('task_mismatch', `Task ${task.id} asks for the ${task.form} label form.`);
	}
	await lockRows(session.trx, session.database, 'trees', [task.treeId]);
	const tree = await loadTree(session.trx, task.treeId, session.now);
	if (!tree) reject('target_missing', `The conversation ${task.treeId} no longer exists.`);
	const verdict = ensure(
		checkLabels(tree, { type: task.type, messageId: task.messageId, reviewerId: caller.userId })
	);
	await session.trx
		.insertInto('reviews')
		.values({
			message_id: task.messageId,
			reviewer_id: caller.userId,
			tree_id: tree.id,
			form: submission.form,
			labels: JSON.stringify(submission.labels),
			late: verdict.late ? 1 : 0,
			task_id: task.id,
			created_at: session.now
		})
		.execute();
	const flagged = queueFlagLabels.some((name) => submission.labels[name] === 1);
	if (submission.labels.spam === 1 || flagged) {
		await session.trx
			.updateTable('messages')
			.set((eb) => ({
				spam_reviews: eb('spam_reviews', '+', submission.labels.spam === 1 ? 1 : 0),
				flag_reviews: eb('flag_reviews', '+', flagged ? 1 : 0)
			}))
			.where('id', '=', task.messageId)
			.execute();
	}
	await insertAwards(session, [
		{
			userId: caller.userId,
			points: pointsFor({ kind: 'labelled', form: submission.form }, session.treeConfig),
			kind: 'labelled',
			messageId: task.messageId,
			treeId: tree.id
		}
	]);
	const review = {
		messageId: task.messageId,
		reviewerId: caller.userId,
		form: submission.form,
		labels: submission.labels,
		at: session.now
	};
	await settleAndPersist(session, { ...tree, reviews: [...tree.reviews, review] });
	await finishLease(ctx, lease, 'done');
	return {};
}

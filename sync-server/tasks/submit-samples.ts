// Replies sampled on the contributor's device: the ones they kept join the tree as synthetic
// assistant replies naming the model that wrote them, authored by the contributor who chose
// them (so they are not offered to label or rank them). They earn no points: accepting or
// ranking a model's reply is no one's writing.
import { randomUUID } from 'node:crypto';
import type { SampleSubmission } from '../../src/lib/protocol/tasks';
import { lockRows } from '../db/transaction';
import { checkSamples } from '../tree-manager/submissions';
import { settleAndPersist } from '../trees/persist-settlement';
import { loadTree } from '../trees/tree-store';
import { insertMessage } from '../trees/tree-writes';
import { finishLease, taskOfType, takeLease } from './leased-work';
import { ensure, reject, type MutationContext, type MutationResult } from './mutation-context';
import { ensureTextAllowed } from './text-rules';

export async function submitSamples(
	ctx: MutationContext,
	submission: SampleSubmission
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const lease = await takeLease(ctx, submission.taskId);
	const task = taskOfType(lease, submission.type);
	if (submission.replies.length > task.k) {
		reject(
			'too_many_samples',
			`The task asked for ${task.k} replies, not ${submission.replies.length}.`
		);
	}
	for (const reply of submission.replies) await ensureTextAllowed(ctx, reply.text);
	await lockRows(session.trx, session.database, 'trees', [task.treeId]);
	const tree = await loadTree(session.trx, task.treeId, session.now);
	if (!tree) reject('target_missing', `The conversation ${task.treeId} no longer exists.`);
	const verdict = ensure(
		checkSamples(
			tree,
			{ parentId: task.parentId, authorId: caller.userId, count: submission.replies.length },
			session.treeConfig
		)
	);
	const messages = [];
	for (const [i, reply] of submission.replies.entries()) {
		messages.push(
			await insertMessage(session, {
				id: randomUUID(),
				treeId: tree.id,
				parentId: task.parentId,
				role: 'assistant',
				authorId: caller.userId,
				text: reply.text,
				lang: submission.lang,
				late: verdict.late,
				taskId: i === 0 ? task.id : null,
				// One push entry made them all; the log links it to the first.
				clientId: i === 0 ? ctx.clientId : null,
				seq: i === 0 ? ctx.seq : null,
				createdAt: session.now + i,
				synthetic: { modelName: reply.modelName, emojis: null }
			})
		);
	}
	await settleAndPersist(session, { ...tree, messages: [...tree.messages, ...messages] });
	await finishLease(ctx, lease, 'done');
	return { messageId: messages[0].id };
}

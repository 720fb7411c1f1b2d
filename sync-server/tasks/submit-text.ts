// Written work: a new initial prompt (from a task or on the contributor's own initiative) and
// replies. A prompt starts a tree in review; a reply joins its tree, late if the tree stopped
// growing, and the tree is settled. An assistant reply keeps the tool rounds it was written with.
import { randomUUID } from 'node:crypto';
import type { TextSubmission } from '../../src/lib/protocol/tasks';
import type { MutationArgs } from '../../src/lib/protocol/sync';
import { insertAwards } from '../trees/awards';
import { reject, ensure, type MutationContext, type MutationResult } from './mutation-context';
import { pointsFor } from '../tree-manager/points';
import { newTree } from '../tree-manager/state-machine';
import { checkReply } from '../tree-manager/submissions';
import { settleAndPersist } from '../trees/persist-settlement';
import { lockRows } from '../db/transaction';
import { loadTree } from '../trees/tree-store';
import { insertMessage, insertTreeRow } from '../trees/tree-writes';
import { finishLease, taskOfType, takeLease } from './leased-work';
import { initialPromptRoom } from './lease';
import { ensureTextAllowed, rememberText } from './text-rules';
import { toolArgumentsProblem } from './tool-arguments';

async function writeInitialPrompt(
	ctx: MutationContext,
	prompt: { text: string; lang: string; tags: readonly string[]; taskId: string | null }
): Promise<string> {
	const { session, caller } = ctx;
	const id = randomUUID();
	const tree = newTree(
		{ id, authorId: caller.userId, text: prompt.text, lang: prompt.lang, createdAt: session.now },
		session.treeConfig
	);
	await insertTreeRow(session, tree, { tags: prompt.tags, origin: null });
	await insertMessage(session, {
		id,
		treeId: id,
		parentId: null,
		role: 'prompter',
		authorId: caller.userId,
		text: prompt.text,
		lang: prompt.lang,
		late: false,
		taskId: prompt.taskId,
		clientId: ctx.clientId,
		seq: ctx.seq
	});
	await insertAwards(session, [
		{
			userId: caller.userId,
			points: pointsFor({ kind: 'wrote', type: 'initial_prompt' }, session.treeConfig),
			kind: 'wrote',
			messageId: id,
			treeId: id
		}
	]);
	await settleAndPersist(session, tree);
	await rememberText(ctx, id, prompt.text);
	return id;
}

/** `create_initial_prompt`: accepted while the language wants new prompts. */
export async function createInitialPrompt(
	ctx: MutationContext,
	args: MutationArgs<'create_initial_prompt'>
): Promise<MutationResult> {
	const { session } = ctx;
	await ensureTextAllowed(ctx, args.text);
	// Counted once per push, then kept current: only this push changes it meanwhile.
	const roomKey = `initial-prompt-room:${args.lang}`;
	const room = await session.recall(roomKey, () =>
		initialPromptRoom(session.trx, session.service, args.lang, session.now)
	);
	if (room <= 0) {
		reject(
			'not_wanted',
			`Enough new prompts in ${args.lang} are waiting for review and growth; please take a task instead.`
		);
	}
	const messageId = await writeInitialPrompt(ctx, {
		text: args.text,
		lang: args.lang,
		tags: args.tags ?? [],
		taskId: null
	});
	session.remember(roomKey, room - 1);
	return { messageId };
}

export async function submitText(
	ctx: MutationContext,
	submission: TextSubmission
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const lease = await takeLease(ctx, submission.taskId);
	const task = taskOfType(lease, submission.type);
	await ensureTextAllowed(ctx, submission.text);
	const toolProblem = submission.toolSteps
		? toolArgumentsProblem(submission.toolSteps, 'args.toolSteps')
		: null;
	if (toolProblem) reject('invalid_args', toolProblem);
	if (task.type === 'initial_prompt') {
		const messageId = await writeInitialPrompt(ctx, {
			text: submission.text,
			lang: submission.lang,
			tags: JSON.parse(lease.row.tags) as string[],
			taskId: task.id
		});
		await finishLease(ctx, lease, 'done');
		return { messageId };
	}
	await lockRows(session.trx, session.database, 'trees', [task.treeId]);
	const tree = await loadTree(session.trx, task.treeId, session.now);
	if (!tree) reject('target_missing', `The conversation ${task.treeId} no longer exists.`);
	const verdict = ensure(
		checkReply(
			tree,
			{ type: task.type, parentId: task.parentId, authorId: caller.userId },
			session.treeConfig
		)
	);
	const message = await insertMessage(session, {
		id: randomUUID(),
		treeId: tree.id,
		parentId: task.parentId,
		role: verdict.role,
		authorId: caller.userId,
		text: submission.text,
		lang: submission.lang,
		late: verdict.late,
		taskId: task.id,
		clientId: ctx.clientId,
		seq: ctx.seq,
		// The protocol lets only an assistant reply carry them (textSubmissionSchema).
		...(submission.toolSteps && { toolSteps: submission.toolSteps })
	});
	await insertAwards(session, [
		{
			userId: caller.userId,
			points: pointsFor({ kind: 'wrote', type: task.type }, session.treeConfig),
			kind: 'wrote',
			messageId: message.id,
			treeId: tree.id
		}
	]);
	await settleAndPersist(session, { ...tree, messages: [...tree.messages, message] });
	await finishLease(ctx, lease, 'done');
	await rememberText(ctx, message.id, submission.text);
	return { messageId: message.id };
}

// An author edits their own message until its first review arrives.
import type { MutationArgs } from '../../src/lib/protocol/sync';
import { ensure, reject, type MutationContext, type MutationResult } from './mutation-context';
import { checkEdit } from '../tree-manager/submissions';
import { lockRows } from '../db/transaction';
import { loadTree, treeIdOfMessage } from '../trees/tree-store';
import { ensureTextAllowed, rememberText } from './text-rules';

export async function editMessage(
	ctx: MutationContext,
	args: MutationArgs<'edit_message'>
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const treeId = await treeIdOfMessage(session.trx, args.messageId);
	if (treeId === null) reject('target_missing', `There is no message ${args.messageId}.`);
	await lockRows(session.trx, session.database, 'trees', [treeId]);
	const tree = await loadTree(session.trx, treeId, session.now);
	ensure(checkEdit(tree!, args.messageId, caller.userId));
	await ensureTextAllowed(ctx, args.text, args.messageId);
	await session.trx
		.updateTable('messages')
		.set({ text: args.text, edited_at: session.now })
		.where('id', '=', args.messageId)
		.execute();
	session.touch(caller.userId, args.messageId);
	await rememberText(ctx, args.messageId, args.text);
	return { messageId: args.messageId };
}

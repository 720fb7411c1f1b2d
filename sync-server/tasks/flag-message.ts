// A red flag on someone else's message, once per contributor; enough flags delete a reply and
// its subtree (or abort the tree of a flagged prompt), and every flag puts the message in the
// moderators' queue.
import type { MutationArgs } from '../../src/lib/protocol/sync';
import { reject, type MutationContext, type MutationResult } from './mutation-context';
import { messageById } from '../tree-manager/snapshot';
import { settleAndPersist } from '../trees/persist-settlement';
import { lockRows } from '../db/transaction';
import { loadTree, treeIdOfMessage } from '../trees/tree-store';

export async function flagMessage(
	ctx: MutationContext,
	args: MutationArgs<'flag_message'>
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const treeId = await treeIdOfMessage(session.trx, args.messageId);
	if (treeId === null) reject('target_missing', `There is no message ${args.messageId}.`);
	await lockRows(session.trx, session.database, 'trees', [treeId]);
	const tree = (await loadTree(session.trx, treeId, session.now))!;
	const message = messageById(tree, args.messageId)!;
	if (message.deleted) reject('target_deleted', 'The message was already deleted.');
	if (message.authorId === caller.userId)
		reject('own_message', 'You cannot flag your own message.');
	const inserted = await session.trx
		.insertInto('message_flags')
		.values({
			message_id: message.id,
			user_id: caller.userId,
			reason: args.reason || null,
			created_at: session.now
		})
		.onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
		.executeTakeFirst();
	if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
		reject('already_done', 'You already flagged this message.');
	}
	await session.trx
		.updateTable('messages')
		.set((eb) => ({ red_flags: eb('red_flags', '+', 1) }))
		.where('id', '=', message.id)
		.execute();
	const flagged = { ...message, redFlags: message.redFlags + 1 };
	await settleAndPersist(session, {
		...tree,
		messages: tree.messages.map((m) => (m.id === message.id ? flagged : m))
	});
	return {};
}

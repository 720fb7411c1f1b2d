// Writing what the tree manager decided: after every change to a tree the caller settles it
// (`settleTree`) and this module persists each resulting change — review results, deletions,
// state transitions with their reasons, consensus ranks and agreement — plus the points they
// earn, in the same transaction as the change that caused them.
import { randomUUID } from 'node:crypto';
import { insertAwards } from '../trees/awards';
import { awardsForChanges } from '../tree-manager/points';
import { subtreeIds, type TreeSnapshot } from '../tree-manager/snapshot';
import { settleTree, type Settlement, type TreeChange } from '../tree-manager/state-machine';
import type { WriteSession } from './write-session';

/** Settles `tree` (just changed by the caller) and persists the consequences. */
export async function settleAndPersist(
	session: WriteSession,
	tree: TreeSnapshot,
	actorId: string | null = null
): Promise<TreeSnapshot> {
	const settlement = settleTree(tree, session.treeConfig);
	await persistSettlement(session, settlement, actorId);
	return settlement.tree;
}

/** `actorId` is the moderator whose action caused the changes; null when automatic. */
export async function persistSettlement(
	session: WriteSession,
	settlement: Settlement,
	actorId: string | null = null
): Promise<void> {
	const { tree, changes } = settlement;
	for (const change of changes) await persistChange(session, tree, change, actorId);
	const awards = awardsForChanges(tree, changes, session.treeConfig);
	await insertAwards(
		session,
		awards.map((a) => ({
			userId: a.userId,
			points: a.points,
			kind: a.event.kind === 'accepted' ? 'accepted' : 'reply_ranked',
			messageId: a.messageId,
			treeId: tree.id
		}))
	);
}

async function persistChange(
	session: WriteSession,
	tree: TreeSnapshot,
	change: TreeChange,
	actorId: string | null
): Promise<void> {
	const { trx, now } = session;
	const authorOf = (id: string) => tree.messages.find((m) => m.id === id)!.authorId;
	switch (change.kind) {
		case 'review':
			await trx
				.updateTable('messages')
				.set({ review_result: change.result ? 1 : 0, review_score: change.score })
				.where('id', '=', change.messageId)
				.execute();
			session.touch(authorOf(change.messageId), change.messageId);
			return;
		case 'delete':
			await trx
				.updateTable('messages')
				.set({ deleted: 1 })
				.where('id', 'in', change.messageIds)
				.execute();
			for (const id of change.messageIds) session.touch(authorOf(id), id);
			await trx
				.insertInto('moderation_events')
				.values({
					id: randomUUID(),
					moderator_id: actorId,
					action: 'delete_messages',
					target_id: change.messageIds[0],
					reason: change.reason,
					created_at: now
				})
				.execute();
			return;
		case 'state':
			await trx
				.updateTable('trees')
				.set({
					state: change.to,
					updated_at: now,
					...(change.wonLotteryAt === undefined ? {} : { won_lottery_at: change.wonLotteryAt })
				})
				.where('id', '=', tree.id)
				.execute();
			await trx
				.insertInto('tree_events')
				.values({
					id: randomUUID(),
					tree_id: tree.id,
					from_state: change.from,
					to_state: change.to,
					reason: change.reason,
					actor_id: actorId,
					created_at: now
				})
				.execute();
			// The state shows on every message of the tree.
			for (const id of subtreeIds(tree, tree.id)) session.touch(authorOf(id), id);
			// A prompt joined the lottery, or a growing tree left and freed a slot.
			if (change.to === 'prompt_lottery_waiting' || change.from === 'growing') {
				session.lotteryLangs.add(tree.lang);
			}
			return;
		case 'scored':
			for (const set of change.sets) {
				for (const { messageId, rank } of set.ranks) {
					await trx.updateTable('messages').set({ rank }).where('id', '=', messageId).execute();
					session.touch(authorOf(messageId), messageId);
				}
				for (const { userId, tau } of set.agreement) {
					await trx
						.updateTable('rankings')
						.set({ tau })
						.where('parent_id', '=', set.parentId)
						.where('user_id', '=', userId)
						.execute();
				}
			}
			return;
	}
}

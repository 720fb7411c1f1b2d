// Moderator actions, each in one transaction with its reason in the log: delete or restore a
// message and its subtree, halt or restart a tree, activate an imported tree waiting in the
// backlog, ban or unban a user. A ban takes back the user's open tasks and halts their prompts
// still in review or waiting for the lottery.
import { randomUUID } from 'node:crypto';
import type { BanResult, MessageModerationResult } from '../../src/lib/protocol/moderation';
import { hasRole } from '../../src/lib/protocol/identity';
import type { TreeState } from '../../src/lib/protocol/trees';
import { ApiHttpError } from '../http/api-error';
import type { Caller } from '../identity/authenticate';
import { subtreeIds, type TreeSnapshot } from '../tree-manager/snapshot';
import {
	activateBacklogTree,
	applyChange,
	haltTree,
	restartTree,
	settleTree,
	type TreeChange
} from '../tree-manager/state-machine';
import { persistSettlement, settleAndPersist } from '../trees/persist-settlement';
import { runDueLottery } from '../trees/lottery-runner';
import { inWriteTransaction, lockRows } from '../db/transaction';
import { loadTree, loadTrees, treeIdOfMessage } from '../trees/tree-store';
import type { Service } from '../service/service';
import { WriteSession } from '../trees/write-session';
import { releaseLeases } from '../trees/release-leases';

async function inModeration<T>(
	service: Service,
	work: (session: WriteSession) => Promise<T>
): Promise<T> {
	return inWriteTransaction(service.database, async (trx) => {
		const session = new WriteSession(trx, service, service.config.clock());
		const result = await work(session);
		await runDueLottery(session);
		await session.flush();
		return result;
	});
}

/** `moderator` is null for an operator's command (`npm run admin`). */
async function logAction(
	session: WriteSession,
	moderator: Caller | null,
	action: string,
	targetId: string,
	reason: string
): Promise<void> {
	await session.trx
		.insertInto('moderation_events')
		.values({
			id: randomUUID(),
			moderator_id: moderator?.userId ?? null,
			action,
			target_id: targetId,
			reason,
			created_at: session.now
		})
		.execute();
}

async function lockedTreeOfMessage(
	session: WriteSession,
	messageId: string
): Promise<TreeSnapshot> {
	const treeId = await treeIdOfMessage(session.trx, messageId);
	if (treeId === null) throw new ApiHttpError(404, 'not_found', `no message ${messageId}`);
	return lockedTree(session, treeId);
}

async function lockedTree(session: WriteSession, treeId: string): Promise<TreeSnapshot> {
	await lockRows(session.trx, session.database, 'trees', [treeId]);
	const tree = await loadTree(session.trx, treeId, session.now);
	if (!tree) throw new ApiHttpError(404, 'not_found', `no tree ${treeId}`);
	return tree;
}

export async function deleteMessage(
	service: Service,
	moderator: Caller,
	messageId: string,
	reason: string
): Promise<MessageModerationResult> {
	return inModeration(service, async (session) => {
		const tree = await lockedTreeOfMessage(session, messageId);
		const ids = subtreeIds(tree, messageId).filter(
			(id) => !tree.messages.find((m) => m.id === id)!.deleted
		);
		if (ids.length === 0)
			throw new ApiHttpError(409, 'conflict', `message ${messageId} is already deleted`);
		const change: TreeChange = { kind: 'delete', messageIds: ids, reason };
		const settled = settleTree(applyChange(tree, change), session.treeConfig);
		await persistSettlement(
			session,
			{ tree: settled.tree, changes: [change, ...settled.changes] },
			moderator.userId
		);
		return { messageIds: ids, treeState: settled.tree.state };
	});
}

export async function undeleteMessage(
	service: Service,
	moderator: Caller,
	messageId: string,
	reason: string
): Promise<MessageModerationResult> {
	return inModeration(service, async (session) => {
		const tree = await lockedTreeOfMessage(session, messageId);
		const restored = new Set(
			subtreeIds(tree, messageId).filter((id) => tree.messages.find((m) => m.id === id)!.deleted)
		);
		if (restored.size === 0)
			throw new ApiHttpError(409, 'conflict', `message ${messageId} is not deleted`);
		await session.trx
			.updateTable('messages')
			.set({ deleted: 0 })
			.where('id', 'in', [...restored])
			.execute();
		for (const m of tree.messages) if (restored.has(m.id)) session.touch(m.authorId, m.id);
		await logAction(session, moderator, 'undelete_messages', messageId, reason);
		const settled = await settleAndPersist(
			session,
			{
				...tree,
				messages: tree.messages.map((m) => (restored.has(m.id) ? { ...m, deleted: false } : m))
			},
			moderator.userId
		);
		return { messageIds: [...restored], treeState: settled.state };
	});
}

export async function haltTreeByModerator(
	service: Service,
	moderator: Caller,
	treeId: string,
	reason: string
): Promise<{ treeId: string; state: TreeState }> {
	return inModeration(service, async (session) => {
		const tree = await lockedTree(session, treeId);
		if (tree.state === 'halted_by_moderator') {
			throw new ApiHttpError(409, 'conflict', `tree ${treeId} is already halted`);
		}
		const settlement = haltTree(tree, reason);
		await persistSettlement(session, settlement, moderator.userId);
		await releaseLeases(session, { treeId });
		return { treeId, state: settlement.tree.state };
	});
}

export async function restartTreeByModerator(
	service: Service,
	moderator: Caller,
	treeId: string,
	reason: string
): Promise<{ treeId: string; state: TreeState }> {
	return inModeration(service, async (session) => {
		const tree = await lockedTree(session, treeId);
		if (tree.state !== 'halted_by_moderator' && tree.state !== 'aborted_low_grade') {
			throw new ApiHttpError(
				409,
				'conflict',
				`tree ${treeId} is ${tree.state}; only halted or aborted trees restart`
			);
		}
		const settlement = restartTree(tree, session.treeConfig);
		await persistSettlement(session, settlement, moderator.userId);
		await logAction(session, moderator, 'restart_tree', treeId, reason);
		return { treeId, state: settlement.tree.state };
	});
}

/** A tree in `backlog_ranking` goes to ranking, or is abandoned when it has nothing to rank. */
async function activateLocked(
	session: WriteSession,
	tree: TreeSnapshot,
	moderator: Caller | null,
	reason: string
): Promise<TreeActivation> {
	if (tree.state !== 'backlog_ranking') {
		throw new ApiHttpError(
			409,
			'conflict',
			`tree ${tree.id} is ${tree.state}; only trees in backlog_ranking are activated`
		);
	}
	const settlement = activateBacklogTree(tree, session.treeConfig);
	await persistSettlement(session, settlement, moderator?.userId ?? null);
	await logAction(session, moderator, 'activate_tree', tree.id, reason);
	return { treeId: tree.id, state: settlement.tree.state };
}

export interface TreeActivation {
	treeId: string;
	state: TreeState;
}

export async function activateTreeByModerator(
	service: Service,
	moderator: Caller,
	treeId: string,
	reason: string
): Promise<TreeActivation> {
	return inModeration(service, async (session) =>
		activateLocked(session, await lockedTree(session, treeId), moderator, reason)
	);
}

const ACTIVATIONS_PER_TRANSACTION = 100;

/**
 * The operator's `npm run admin -- activate`: the named trees in one transaction (all or none),
 * or with `'all'` every tree in the backlog, oldest first, a hundred per transaction.
 */
export async function activateBacklogTrees(
	service: Service,
	which: readonly string[] | 'all',
	reason: string
): Promise<TreeActivation[]> {
	if (which !== 'all') {
		return inModeration(service, async (session) => {
			const done: TreeActivation[] = [];
			for (const treeId of [...new Set(which)].sort()) {
				done.push(await activateLocked(session, await lockedTree(session, treeId), null, reason));
			}
			return done;
		});
	}
	const done: TreeActivation[] = [];
	for (;;) {
		const batch = await inModeration(service, async (session) => {
			const rows = await session.trx
				.selectFrom('trees')
				.select('id')
				.where('state', '=', 'backlog_ranking')
				.orderBy('created_at')
				.orderBy('id')
				.limit(ACTIVATIONS_PER_TRANSACTION)
				.execute();
			const ids = rows.map((r) => r.id);
			await lockRows(session.trx, session.database, 'trees', ids);
			const activated: TreeActivation[] = [];
			for (const tree of await loadTrees(session.trx, ids, session.now)) {
				// Another transaction may have activated it since the select.
				if (tree.state !== 'backlog_ranking') continue;
				activated.push(await activateLocked(session, tree, null, reason));
			}
			return { selected: ids.length, activated };
		});
		if (batch.selected === 0) return done;
		done.push(...batch.activated);
	}
}

export async function setBan(
	service: Service,
	moderator: Caller,
	userId: string,
	banned: boolean,
	reason: string
): Promise<BanResult> {
	return inModeration(service, async (session) => {
		const { trx } = session;
		await lockRows(trx, session.database, 'users', [userId]);
		const user = await trx
			.selectFrom('users')
			.selectAll()
			.where('id', '=', userId)
			.executeTakeFirst();
		if (!user) throw new ApiHttpError(404, 'not_found', `no user ${userId}`);
		if (userId === moderator.userId)
			throw new ApiHttpError(409, 'conflict', 'you cannot ban yourself');
		// A moderator may ban contributors; only an admin may ban a moderator or an admin.
		if (user.role !== 'contributor' && !hasRole(moderator.role, 'admin')) {
			throw new ApiHttpError(403, 'forbidden', `banning a ${user.role} needs the admin role`);
		}
		if ((user.banned_at !== null) === banned) {
			throw new ApiHttpError(
				409,
				'conflict',
				`user ${userId} is ${banned ? 'already' : 'not'} banned`
			);
		}
		await trx
			.updateTable('users')
			.set({ banned_at: banned ? session.now : null, banned_reason: banned ? reason : null })
			.where('id', '=', userId)
			.execute();
		await logAction(session, moderator, banned ? 'ban_user' : 'unban_user', userId, reason);
		if (!banned) return { userId, banned, releasedLeases: 0, haltedTrees: [] };

		const releasedLeases = await releaseLeases(session, { userId });
		const waiting = await trx
			.selectFrom('trees')
			.innerJoin('messages', 'messages.id', 'trees.id')
			.select('trees.id')
			.where('messages.author_id', '=', userId)
			.where('trees.state', 'in', ['initial_prompt_review', 'prompt_lottery_waiting'])
			.orderBy('trees.id')
			.execute();
		const haltedTrees: string[] = [];
		for (const { id } of waiting) {
			const tree = await lockedTree(session, id);
			await persistSettlement(
				session,
				haltTree(tree, `author banned: ${reason}`),
				moderator.userId
			);
			await releaseLeases(session, { treeId: id });
			haltedTrees.push(id);
		}
		return { userId, banned, releasedLeases, haltedTrees };
	});
}

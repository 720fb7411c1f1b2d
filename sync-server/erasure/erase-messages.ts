// Erasing what a person takes back: a withdrawn donation, or everything a deleted account wrote.
// The texts are overwritten, not flagged: the message row stays with an empty text, because
// other people's replies, reviews and rankings still hang from it, and `erased_at` keeps it out
// of every export while the export of withdrawals lists it. For the tree it is a deletion
// (the message and its subtree stop counting), so the tree manager settles it as usual. Copies
// of the texts elsewhere go too: the pushed mutations that carried them, the tasks handed to
// other contributors that showed them, and flag reasons that may quote them. A reply's tool
// rounds go with its text, from the message and from those tasks.
import { subtreeIds, type TreeSnapshot } from '../tree-manager/snapshot';
import { applyChange, settleTree, type TreeChange } from '../tree-manager/state-machine';
import { lockRows } from '../db/transaction';
import { persistSettlement } from '../trees/persist-settlement';
import { releaseLeases } from '../trees/release-leases';
import { loadTree } from '../trees/tree-store';
import type { WriteSession } from '../trees/write-session';

export type ErasureReason = 'withdrawn' | 'account_deleted';

const reasonText: Record<ErasureReason, string> = {
	withdrawn: 'withdrawn by its author',
	account_deleted: "its author's account was deleted"
};

interface Erased {
	ids: ReadonlySet<string>;
	texts: ReadonlySet<string>;
}

/**
 * Replaces every string in `value` that is one of the erased texts by an empty string, and drops
 * the tool rounds of each erased message (a task's conversation message carries its `id`).
 */
function scrub(value: unknown, erased: Erased): unknown {
	if (typeof value === 'string') return erased.texts.has(value) ? '' : value;
	if (Array.isArray(value)) return value.map((v) => scrub(v, erased));
	if (value !== null && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const ofErased = typeof record.id === 'string' && erased.ids.has(record.id);
		return Object.fromEntries(
			Object.entries(record)
				.filter(([k]) => !(ofErased && k === 'toolSteps'))
				.map(([k, v]) => [k, scrub(v, erased)])
		);
	}
	return value;
}

/** Tasks on the tree showed the erased texts to others: open ones end, all lose the texts. */
async function scrubLeases(session: WriteSession, treeId: string, erased: Erased) {
	await releaseLeases(session, { treeId });
	const leases = await session.trx
		.selectFrom('leases')
		.select(['id', 'task'])
		.where('tree_id', '=', treeId)
		.execute();
	for (const lease of leases) {
		const task = JSON.stringify(scrub(JSON.parse(lease.task), erased));
		if (task !== lease.task) {
			await session.trx.updateTable('leases').set({ task }).where('id', '=', lease.id).execute();
		}
	}
}

/** The pushes that carried the texts keep their outcome (retries are answered from it), not their arguments. */
async function scrubMutations(
	session: WriteSession,
	messages: readonly { client_id: string | null; client_seq: number | null; id: string }[]
) {
	for (const m of messages) {
		if (m.client_id !== null && m.client_seq !== null) {
			await session.trx
				.updateTable('mutations')
				.set({ args: '{"erased":true}' })
				.where('client_id', '=', m.client_id)
				.where('seq', '=', m.client_seq)
				.execute();
		}
		// Edits carry the message's id and a text.
		await session.trx
			.updateTable('mutations')
			.set({ args: '{"erased":true}' })
			.where('name', '=', 'edit_message')
			.where('args', 'like', `%${m.id}%`)
			.execute();
	}
}

/**
 * Erases `messageIds` (all in tree `treeId`) in the caller's transaction; returns how many
 * were erased (those erased before are left as they are).
 */
export async function eraseMessages(
	session: WriteSession,
	treeId: string,
	messageIds: readonly string[],
	reason: ErasureReason
): Promise<number> {
	await lockRows(session.trx, session.database, 'trees', [treeId]);
	const rows = await session.trx
		.selectFrom('messages')
		.select(['id', 'text', 'author_id', 'client_id', 'client_seq'])
		.where('tree_id', '=', treeId)
		.where('id', 'in', [...messageIds])
		.where('erased_at', 'is', null)
		.execute();
	if (rows.length === 0) return 0;
	const tree = (await loadTree(session.trx, treeId, session.now)) as TreeSnapshot;
	const deletedBefore = new Set(tree.messages.filter((m) => m.deleted).map((m) => m.id));
	const gone = [...new Set(rows.flatMap((r) => subtreeIds(tree, r.id)))].filter(
		(id) => !deletedBefore.has(id)
	);
	if (gone.length > 0) {
		const change: TreeChange = { kind: 'delete', messageIds: gone, reason: reasonText[reason] };
		const settled = settleTree(applyChange(tree, change), session.treeConfig);
		await persistSettlement(session, { tree: settled.tree, changes: [change, ...settled.changes] });
	}
	const ids = rows.map((r) => r.id);
	await session.trx
		.updateTable('messages')
		.set({
			text: '',
			emojis: null,
			tool_steps: null,
			erased_at: session.now,
			erased_reason: reason
		})
		.where('id', 'in', ids)
		.execute();
	for (const r of rows) session.touch(r.author_id, r.id);
	await session.trx
		.updateTable('message_flags')
		.set({ reason: null })
		.where('message_id', 'in', ids)
		.execute();
	await session.trx.deleteFrom('ranking_priorities').where('parent_id', 'in', ids).execute();
	await scrubLeases(session, treeId, {
		ids: new Set(ids),
		texts: new Set(rows.map((r) => r.text))
	});
	await scrubMutations(session, rows);
	return rows.length;
}

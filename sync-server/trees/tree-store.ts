// Loading message trees from the database as the tree manager's snapshots: the tree row, every
// message (deleted ones too), every review and ranking, and the leases still open on it.
import type { Selectable } from 'kysely';
import type { LabelValues } from '../../src/lib/protocol/labels';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import type { TreeState } from '../../src/lib/protocol/trees';
import type { MessagesTable, RankingsTable, ReviewsTable, TreesTable } from '../db/schema';
import type { TreeMessage, TreeSnapshot } from '../tree-manager/snapshot';
import type { Trx } from '../db/transaction';

type Reader = Pick<Trx, 'selectFrom'>;

export function toTreeMessage(row: Selectable<MessagesTable>): TreeMessage {
	return {
		id: row.id,
		parentId: row.parent_id,
		role: row.role,
		authorId: row.author_id,
		text: row.text,
		lang: row.lang,
		createdAt: row.created_at,
		reviewResult: row.review_result === null ? null : row.review_result === 1,
		deleted: row.deleted === 1,
		redFlags: row.red_flags,
		replySkips: row.reply_skips,
		rank: row.rank,
		...(row.synthetic === 1 ? { synthetic: true } : {}),
		...toolStepsOf(row)
	};
}

/** A reply's stored tool rounds, written only after the protocol's schema checked them. */
export function toolStepsOf(row: { tool_steps: string | null }): { toolSteps?: ReplyToolStep[] } {
	return row.tool_steps === null
		? {}
		: { toolSteps: JSON.parse(row.tool_steps) as ReplyToolStep[] };
}

function assemble(
	tree: Selectable<TreesTable>,
	messages: Selectable<MessagesTable>[],
	reviews: Selectable<ReviewsTable>[],
	rankings: Selectable<RankingsTable>[],
	leased: { offer_key: string | null; count: number | string }[]
): TreeSnapshot {
	return {
		id: tree.id,
		lang: tree.lang,
		state: tree.state as TreeState,
		goalSize: tree.goal_size,
		wonLotteryAt: tree.won_lottery_at,
		// Parents before children, as they were written: the tree manager walks them in order.
		messages: messages
			.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))
			.map(toTreeMessage),
		reviews: reviews.map((r) => ({
			messageId: r.message_id,
			reviewerId: r.reviewer_id,
			form: r.form,
			labels: JSON.parse(r.labels) as LabelValues,
			at: r.created_at
		})),
		rankings: rankings
			.sort((a, b) => a.position - b.position)
			.map((r) => ({
				parentId: r.parent_id,
				userId: r.user_id,
				shownIds: JSON.parse(r.shown_ids) as string[],
				ranking: r.ranking === null ? null : (JSON.parse(r.ranking) as string[]),
				at: r.created_at
			})),
		leased: Object.fromEntries(
			leased.filter((l) => l.offer_key !== null).map((l) => [l.offer_key!, Number(l.count)])
		)
	};
}

/** Snapshots of the given trees (those that exist), in no particular order. */
export async function loadTrees(
	db: Reader,
	treeIds: readonly string[],
	now: number
): Promise<TreeSnapshot[]> {
	if (treeIds.length === 0) return [];
	const ids = [...new Set(treeIds)];
	const [trees, messages, reviews, rankings, leased] = await Promise.all([
		db.selectFrom('trees').selectAll().where('id', 'in', ids).execute(),
		db.selectFrom('messages').selectAll().where('tree_id', 'in', ids).execute(),
		db.selectFrom('reviews').selectAll().where('tree_id', 'in', ids).execute(),
		db.selectFrom('rankings').selectAll().where('tree_id', 'in', ids).execute(),
		db
			.selectFrom('leases')
			.select(['tree_id', 'offer_key', (eb) => eb.fn.countAll<number>().as('count')])
			.where('tree_id', 'in', ids)
			.where('status', '=', 'open')
			.where('expires_at', '>', now)
			.groupBy(['tree_id', 'offer_key'])
			.execute()
	]);
	const byTree = <T extends { tree_id: string | null }>(rows: T[]) => {
		const map = new Map<string, T[]>();
		for (const row of rows) map.set(row.tree_id!, [...(map.get(row.tree_id!) ?? []), row]);
		return (id: string) => map.get(id) ?? [];
	};
	const messagesOf = byTree(messages);
	const reviewsOf = byTree(reviews);
	const rankingsOf = byTree(rankings);
	const leasedOf = byTree(leased);
	return trees.map((t) =>
		assemble(t, messagesOf(t.id), reviewsOf(t.id), rankingsOf(t.id), leasedOf(t.id))
	);
}

export async function loadTree(
	db: Reader,
	treeId: string,
	now: number
): Promise<TreeSnapshot | null> {
	const [tree] = await loadTrees(db, [treeId], now);
	return tree ?? null;
}

/** The tree a message belongs to, or null for an unknown message. */
export async function treeIdOfMessage(db: Reader, messageId: string): Promise<string | null> {
	const row = await db
		.selectFrom('messages')
		.select('tree_id')
		.where('id', '=', messageId)
		.executeTakeFirst();
	return row?.tree_id ?? null;
}

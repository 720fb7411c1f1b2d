// What moderators look at: the queue of flagged messages, a whole tree with its history, and
// the trollboard (contributors whose messages others flag, reject or call spam).
import { sql, type Kysely } from 'kysely';
import type { LabelValues } from '../../src/lib/protocol/labels';
import type { LeaderboardWindowName } from '../../src/lib/protocol/points';
import {
	queueFlagLabels,
	type FlaggedMessage,
	type ModeratorTree,
	type TrollboardRow
} from '../../src/lib/protocol/moderation';
import { messageStatus, type TreeState } from '../../src/lib/protocol/trees';
import type { Tables } from '../db/schema';
import { ApiHttpError } from '../http/api-error';
import { toolStepsOf } from '../trees/tree-store';
import type { TreeManagerConfig } from '../tree-manager/config';
import { windowStart } from '../tree-manager/leaderboard';

const statusOf = (row: { review_result: number | null; deleted: number }) =>
	messageStatus({
		reviewResult: row.review_result === null ? null : row.review_result === 1,
		deleted: row.deleted === 1
	});

/** Flagged messages, most red flags first, then the most flagging reviews, then newest. */
export async function flaggedMessages(
	db: Kysely<Tables>,
	{ limit, includeDeleted }: { limit: number; includeDeleted: boolean }
): Promise<FlaggedMessage[]> {
	let query = db
		.selectFrom('messages')
		.innerJoin('trees', 'trees.id', 'messages.tree_id')
		.innerJoin('users', 'users.id', 'messages.author_id')
		.select([
			'messages.id',
			'messages.tree_id',
			'messages.role',
			'messages.text',
			'messages.author_id',
			'messages.review_result',
			'messages.deleted',
			'messages.created_at',
			'messages.red_flags',
			'messages.tool_steps',
			'trees.state',
			'users.display_name'
		])
		.where((eb) => eb.or([eb('messages.red_flags', '>', 0), eb('messages.flag_reviews', '>', 0)]));
	if (!includeDeleted) query = query.where('messages.deleted', '=', 0);
	const rows = await query
		.orderBy('messages.red_flags', 'desc')
		.orderBy('messages.flag_reviews', 'desc')
		.orderBy('messages.created_at', 'desc')
		.limit(limit)
		.execute();
	const ids = rows.map((r) => r.id);
	const [flags, reviews] =
		ids.length === 0
			? [[], []]
			: await Promise.all([
					db
						.selectFrom('message_flags')
						.select(['message_id', 'reason'])
						.where('message_id', 'in', ids)
						.orderBy('created_at')
						.execute(),
					db
						.selectFrom('reviews')
						.select(['message_id', 'labels'])
						.where('message_id', 'in', ids)
						.execute()
				]);
	return rows.map((row) => {
		const reviewFlags: Record<string, number> = {};
		for (const review of reviews.filter((r) => r.message_id === row.id)) {
			const labels = JSON.parse(review.labels) as LabelValues;
			for (const name of queueFlagLabels) {
				if (labels[name] === 1) reviewFlags[name] = (reviewFlags[name] ?? 0) + 1;
			}
		}
		return {
			messageId: row.id,
			treeId: row.tree_id,
			treeState: row.state,
			role: row.role,
			text: row.text,
			authorId: row.author_id,
			authorName: row.display_name,
			status: statusOf(row),
			createdAt: row.created_at,
			redFlags: row.red_flags,
			flagReasons: flags.filter((f) => f.message_id === row.id && f.reason).map((f) => f.reason!),
			reviewFlags,
			...toolStepsOf(row)
		};
	});
}

export async function moderatorTree(db: Kysely<Tables>, treeId: string): Promise<ModeratorTree> {
	const tree = await db.selectFrom('trees').selectAll().where('id', '=', treeId).executeTakeFirst();
	if (!tree) throw new ApiHttpError(404, 'not_found', `no tree ${treeId}`);
	const [tags, messages, reviewCounts, events] = await Promise.all([
		db.selectFrom('tree_tags').select('tag').where('tree_id', '=', treeId).orderBy('tag').execute(),
		db
			.selectFrom('messages')
			.selectAll()
			.where('tree_id', '=', treeId)
			.orderBy('created_at')
			.orderBy('id')
			.execute(),
		db
			.selectFrom('reviews')
			.select(['message_id', (eb) => eb.fn.countAll<number>().as('count')])
			.where('tree_id', '=', treeId)
			.groupBy('message_id')
			.execute(),
		db
			.selectFrom('tree_events')
			.selectAll()
			.where('tree_id', '=', treeId)
			.orderBy('created_at')
			.execute()
	]);
	return {
		treeId,
		lang: tree.lang,
		state: tree.state,
		tags: tags.map((t) => t.tag),
		messages: messages.map((m) => ({
			id: m.id,
			parentId: m.parent_id,
			role: m.role,
			authorId: m.author_id,
			text: m.text,
			status: statusOf(m),
			late: m.late === 1,
			rank: m.rank,
			redFlags: m.red_flags,
			replySkips: m.reply_skips,
			reviews:
				m.imported_review_count +
				Number(reviewCounts.find((r) => r.message_id === m.id)?.count ?? 0),
			createdAt: m.created_at,
			...toolStepsOf(m)
		})),
		events: events.map((e) => ({
			from: e.from_state as TreeState | null,
			to: e.to_state as TreeState,
			reason: e.reason,
			actorId: e.actor_id,
			at: e.created_at
		}))
	};
}

/** Authors ranked by the trouble their messages written in the window caused. */
export async function trollboard(
	db: Kysely<Tables>,
	window: LeaderboardWindowName,
	limit: number,
	now: number,
	config: TreeManagerConfig
): Promise<TrollboardRow[]> {
	const start = windowStart(window, now, config);
	const count = (condition: ReturnType<typeof sql<number>>) =>
		sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
	let query = db
		.selectFrom('messages')
		.innerJoin('users', 'users.id', 'messages.author_id')
		.select([
			'users.id',
			'users.display_name',
			'users.banned_at',
			sql<number>`coalesce(sum(messages.red_flags), 0)`.as('red_flags'),
			count(sql`messages.review_result = 0 and messages.deleted = 0`).as('rejected'),
			count(sql`messages.deleted = 1`).as('deleted'),
			sql<number>`coalesce(sum(messages.spam_reviews), 0)`.as('spam_labels'),
			sql<number>`coalesce(sum(messages.flag_reviews), 0)`.as('flag_labels')
		])
		.where('messages.created_at', '<=', now)
		.groupBy(['users.id', 'users.display_name', 'users.banned_at']);
	if (Number.isFinite(start)) query = query.where('messages.created_at', '>=', start);
	const rows = (await query.execute()).map((r) => {
		const row = {
			userId: r.id,
			displayName: r.display_name,
			banned: r.banned_at !== null,
			redFlags: Number(r.red_flags),
			rejected: Number(r.rejected),
			deleted: Number(r.deleted),
			spamLabels: Number(r.spam_labels),
			flagLabels: Number(r.flag_labels)
		};
		const score = row.redFlags + row.rejected + row.deleted + row.spamLabels + row.flagLabels;
		return { ...row, score };
	});
	return rows
		.filter((r) => r.score > 0)
		.sort((a, b) => b.score - a.score || (a.userId < b.userId ? -1 : 1))
		.slice(0, limit);
}

// Leaderboards for the rolling day, week, month and all time: points summed per contributor in
// the database, ranked by the tree manager's rules (ties share a rank). Banned accounts and the
// accounts of demo data are left out.
import { sql, type Kysely } from 'kysely';
import type {
	LeaderboardResponse,
	LeaderboardRowView,
	LeaderboardWindowName
} from '../../src/lib/protocol/points';
import type { Tables } from '../db/schema';
import type { TreeManagerConfig } from '../tree-manager/config';
import { leaderboard, windowStart, type LeaderboardRow } from '../tree-manager/leaderboard';
import { roundPoints } from './summary';

/** Every contributor with points in the window, ranked. */
export async function rankedContributors(
	db: Kysely<Tables>,
	window: LeaderboardWindowName,
	now: number,
	config: TreeManagerConfig
): Promise<LeaderboardRow[]> {
	const start = windowStart(window, now, config);
	let query = db
		.selectFrom('awards')
		.innerJoin('users', 'users.id', 'awards.user_id')
		.select(['awards.user_id as userId', sql<number>`sum(awards.points)`.as('points')])
		.where('users.banned_at', 'is', null)
		.where('users.demo', '=', 0)
		.where('awards.created_at', '<=', now)
		.groupBy('awards.user_id');
	if (Number.isFinite(start)) query = query.where('awards.created_at', '>=', start);
	const sums = await query.execute();
	// One pre-summed award per contributor: the tree manager's ranking does the rest.
	const awards = sums.map((s) => ({ userId: s.userId, points: roundPoints(s.points), at: now }));
	return leaderboard(awards, window, now, config);
}

export async function leaderboardView(
	db: Kysely<Tables>,
	window: LeaderboardWindowName,
	limit: number,
	callerId: string | null,
	now: number,
	config: TreeManagerConfig
): Promise<LeaderboardResponse> {
	const ranked = await rankedContributors(db, window, now, config);
	const top = ranked.slice(0, limit);
	const mine = ranked.find((r) => r.userId === callerId) ?? null;
	const ids = [...new Set([...top.map((r) => r.userId), ...(mine ? [mine.userId] : [])])];
	const names = new Map(
		ids.length === 0
			? []
			: (
					await db
						.selectFrom('users')
						.select(['id', 'display_name'])
						.where('id', 'in', ids)
						.execute()
				).map((u) => [u.id, u.display_name])
	);
	const view = (row: LeaderboardRow): LeaderboardRowView => ({
		...row,
		displayName: names.get(row.userId) ?? row.userId
	});
	return { window, rows: top.map(view), me: mine ? view(mine) : null };
}

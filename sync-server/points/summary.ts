// A contributor's points in total and over the rolling day, week and month.
import { sql, type Kysely } from 'kysely';
import type { PointsSummary } from '../../src/lib/protocol/sync';
import type { Tables } from '../db/schema';
import type { TreeManagerConfig } from '../tree-manager/config';

/** Rounds away the drift of adding tenths in binary floating point. */
export function roundPoints(value: number | string | null): number {
	return Math.round(Number(value ?? 0) * 1000) / 1000;
}

export async function pointsSummary(
	db: Kysely<Tables>,
	userId: string,
	now: number,
	config: TreeManagerConfig
): Promise<PointsSummary> {
	const since = (ms: number) => now - ms;
	const within = (start: number) =>
		sql<number>`coalesce(sum(case when created_at >= ${start} then points else 0 end), 0)`;
	const row = await db
		.selectFrom('awards')
		.select([
			sql<number>`coalesce(sum(points), 0)`.as('total'),
			within(since(config.leaderboard.dayMs)).as('day'),
			within(since(config.leaderboard.weekMs)).as('week'),
			within(since(config.leaderboard.monthMs)).as('month')
		])
		.where('user_id', '=', userId)
		.executeTakeFirstOrThrow();
	return {
		total: roundPoints(row.total),
		day: roundPoints(row.day),
		week: roundPoints(row.week),
		month: roundPoints(row.month)
	};
}

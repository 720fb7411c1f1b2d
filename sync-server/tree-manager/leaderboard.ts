// Leaderboards over rolling windows ending now: the last day, week, month, or all time.
// Equal scores share a rank (1, 2, 2, 4); within a tie, contributors are listed by id so the
// order never flickers between requests.
import type { TreeManagerConfig } from './config';
import { sumPoints } from './points';

export const leaderboardWindows = ['day', 'week', 'month', 'all'] as const;
export type LeaderboardWindow = (typeof leaderboardWindows)[number];

/** The earliest award time a window counts (−Infinity for all time). */
export function windowStart(
	window: LeaderboardWindow,
	now: number,
	config: TreeManagerConfig
): number {
	const { dayMs, weekMs, monthMs } = config.leaderboard;
	switch (window) {
		case 'day':
			return now - dayMs;
		case 'week':
			return now - weekMs;
		case 'month':
			return now - monthMs;
		case 'all':
			return -Infinity;
	}
}

export interface LeaderboardRow {
	rank: number;
	userId: string;
	points: number;
}

export function leaderboard(
	awards: readonly { userId: string; points: number; at: number }[],
	window: LeaderboardWindow,
	now: number,
	config: TreeManagerConfig
): LeaderboardRow[] {
	const start = windowStart(window, now, config);
	const byUser = new Map<string, number[]>();
	for (const a of awards) {
		if (a.at < start || a.at > now) continue;
		byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a.points]);
	}
	const rows = [...byUser]
		.map(([userId, points]) => ({ userId, points: sumPoints(points) }))
		.sort((a, b) => b.points - a.points || (a.userId < b.userId ? -1 : 1));
	const ranked: LeaderboardRow[] = [];
	rows.forEach((row, i) => {
		const tied = i > 0 && rows[i - 1].points === row.points;
		ranked.push({ rank: tied ? ranked[i - 1].rank : i + 1, ...row });
	});
	return ranked;
}

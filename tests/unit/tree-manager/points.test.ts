import { describe, expect, it } from 'vitest';
import { defaultTreeManagerConfig as config } from '../../../sync-server/tree-manager/config';
import { leaderboard, windowStart } from '../../../sync-server/tree-manager/leaderboard';
import { awardsForChanges, pointsFor, sumPoints } from '../../../sync-server/tree-manager/points';
import { currentStreak } from '../../../sync-server/tree-manager/streaks';
import { tree, withReply } from './fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('points', () => {
	it('follows the point table', () => {
		expect(pointsFor({ kind: 'wrote', type: 'assistant_reply' }, config)).toBe(4);
		expect(pointsFor({ kind: 'accepted', type: 'assistant_reply' }, config)).toBe(4);
		expect(pointsFor({ kind: 'wrote', type: 'prompter_reply' }, config)).toBe(1);
		expect(pointsFor({ kind: 'accepted', type: 'prompter_reply' }, config)).toBe(1);
		expect(pointsFor({ kind: 'wrote', type: 'initial_prompt' }, config)).toBe(0.1);
		expect(pointsFor({ kind: 'accepted', type: 'initial_prompt' }, config)).toBe(0.1);
		expect(pointsFor({ kind: 'labelled', form: 'simple' }, config)).toBe(1);
		expect(pointsFor({ kind: 'labelled', form: 'full' }, config)).toBe(2);
		expect(pointsFor({ kind: 'ranked' }, config)).toBe(1);
		expect([0, 1, 2, 3].map((rank) => pointsFor({ kind: 'reply_ranked', rank }, config))).toEqual([
			9, 3, 1, 0
		]);
	});

	it('awards authors for acceptance and consensus ranks', () => {
		const t = withReply(
			withReply(tree('ready_for_export'), 'root', 'a1', 'ann'),
			'root',
			'a2',
			'ben'
		);
		const awards = awardsForChanges(
			t,
			[
				{ kind: 'review', messageId: 'a1', result: true, score: 1 },
				{ kind: 'review', messageId: 'a2', result: false, score: 0 },
				{
					kind: 'scored',
					sets: [
						{
							parentId: 'root',
							ranks: [
								{ messageId: 'a2', rank: 0 },
								{ messageId: 'a1', rank: 1 }
							],
							usableRankings: 3,
							notRankable: 0,
							agreement: []
						}
					]
				}
			],
			config
		);
		expect(awards).toEqual([
			{
				userId: 'ann',
				points: 4,
				event: { kind: 'accepted', type: 'assistant_reply' },
				messageId: 'a1'
			},
			{ userId: 'ben', points: 9, event: { kind: 'reply_ranked', rank: 0 }, messageId: 'a2' },
			{ userId: 'ann', points: 3, event: { kind: 'reply_ranked', rank: 1 }, messageId: 'a1' }
		]);
	});

	it('sums tenths exactly', () => {
		expect(sumPoints([0.1, 0.1, 0.1])).toBe(0.3);
	});
});

describe('streaks', () => {
	it('counts days while no gap exceeds 36 hours', () => {
		const start = 100 * DAY;
		const times = [start, start + 30 * HOUR, start + 60 * HOUR];
		expect(currentStreak(times, start + 61 * HOUR, config)).toEqual({
			days: 3,
			startedAt: start,
			lastActiveAt: start + 60 * HOUR
		});
		expect(currentStreak([start], start + HOUR, config)).toMatchObject({ days: 1 });
	});

	it('resets after 36 idle hours, and starts again from the next activity', () => {
		const start = 100 * DAY;
		expect(currentStreak([start], start + 36 * HOUR + 1, config)).toBeNull();
		const broken = [start, start + 37 * HOUR, start + 50 * HOUR];
		expect(currentStreak(broken, start + 51 * HOUR, config)).toEqual({
			days: 1,
			startedAt: start + 37 * HOUR,
			lastActiveAt: start + 50 * HOUR
		});
	});

	it('counts work synced late and out of order where it happened', () => {
		const start = 100 * DAY;
		const synced = [start + 60 * HOUR, start, start + 30 * HOUR];
		expect(currentStreak(synced, start + 61 * HOUR, config)).toMatchObject({ days: 3 });
		expect(currentStreak([], start, config)).toBeNull();
	});
});

describe('leaderboards', () => {
	const now = 400 * DAY;
	const awards = [
		{ userId: 'ann', points: 4, at: now - HOUR },
		{ userId: 'ben', points: 9, at: now - 3 * DAY },
		{ userId: 'cat', points: 4, at: now - 2 * HOUR },
		{ userId: 'dan', points: 20, at: now - 20 * DAY },
		{ userId: 'eve', points: 100, at: now - 200 * DAY },
		{ userId: 'ann', points: 0.1, at: now - 10 * DAY }
	];

	it('counts only the window’s awards', () => {
		expect(leaderboard(awards, 'day', now, config)).toEqual([
			{ rank: 1, userId: 'ann', points: 4 },
			{ rank: 1, userId: 'cat', points: 4 }
		]);
		expect(leaderboard(awards, 'week', now, config).map((r) => [r.rank, r.userId])).toEqual([
			[1, 'ben'],
			[2, 'ann'],
			[2, 'cat']
		]);
		expect(
			leaderboard(awards, 'month', now, config).map((r) => [r.rank, r.userId, r.points])
		).toEqual([
			[1, 'dan', 20],
			[2, 'ben', 9],
			[3, 'ann', 4.1],
			[4, 'cat', 4]
		]);
		expect(leaderboard(awards, 'all', now, config)[0]).toEqual({
			rank: 1,
			userId: 'eve',
			points: 100
		});
	});

	it('uses rolling windows of a day, a week and 30 days', () => {
		expect(now - windowStart('day', now, config)).toBe(DAY);
		expect(now - windowStart('week', now, config)).toBe(7 * DAY);
		expect(now - windowStart('month', now, config)).toBe(30 * DAY);
		expect(windowStart('all', now, config)).toBe(-Infinity);
	});
});

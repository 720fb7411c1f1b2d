// A contributor's own statistics: points with a breakdown by what earned them, counts of their
// work and its outcome, their daily streak, how well they agree with the others (Kendall τ of
// their rankings against the consensus, and their labels against the other reviewers), and
// their place on each leaderboard.
import { sql, type Kysely } from 'kysely';
import type { LabelValues } from '../../src/lib/protocol/labels';
import { awardKinds, leaderboardWindows, type StatsResponse } from '../../src/lib/protocol/points';
import type { Tables } from '../db/schema';
import { labelAgreement } from '../consensus/label-agreement';
import { rankingAgreementByUser } from '../consensus/sibling-ranking';
import type { TreeManagerConfig } from '../tree-manager/config';
import { currentStreak } from '../tree-manager/streaks';
import { rankedContributors } from './leaderboards';
import { pointsSummary, roundPoints } from './summary';

export async function statsOf(
	db: Kysely<Tables>,
	user: { id: string; displayName: string },
	now: number,
	config: TreeManagerConfig
): Promise<StatsResponse> {
	const userId = user.id;
	const [points, breakdown, messages, reviews, rankings] = await Promise.all([
		pointsSummary(db, userId, now, config),
		db
			.selectFrom('awards')
			.select([
				'kind',
				(eb) => eb.fn.countAll<number>().as('count'),
				sql<number>`sum(points)`.as('points')
			])
			.where('user_id', '=', userId)
			.groupBy('kind')
			.execute(),
		db
			.selectFrom('messages')
			.select(['parent_id', 'review_result', 'deleted', 'late', 'rank', 'created_at'])
			.where('author_id', '=', userId)
			.execute(),
		db
			.selectFrom('reviews')
			.select(['message_id', 'created_at'])
			.where('reviewer_id', '=', userId)
			.execute(),
		db.selectFrom('rankings').select(['tau', 'created_at']).where('user_id', '=', userId).execute()
	]);

	const live = messages.filter((m) => m.deleted === 0);
	const counts = {
		prompts: messages.filter((m) => m.parent_id === null).length,
		replies: messages.filter((m) => m.parent_id !== null).length,
		labels: reviews.length,
		rankings: rankings.length,
		accepted: live.filter((m) => m.review_result === 1).length,
		rejected: live.filter((m) => m.review_result === 0).length,
		inReview: live.filter((m) => m.review_result === null && m.late === 0).length,
		rankedFirst: live.filter((m) => m.rank === 0).length
	};

	const streak = currentStreak(
		[...messages, ...reviews, ...rankings].map((r) => r.created_at),
		now,
		config
	);

	const [ranking] = rankingAgreementByUser(rankings.map((r) => ({ userId, tau: r.tau })));
	const reviewedIds = reviews.map((r) => r.message_id);
	const sharedReviews =
		reviewedIds.length === 0
			? []
			: await db
					.selectFrom('reviews')
					.select(['message_id', 'reviewer_id', 'labels'])
					.where('message_id', 'in', reviewedIds)
					.execute();
	const labels = labelAgreement(
		sharedReviews.map((r) => ({
			messageId: r.message_id,
			reviewerId: r.reviewer_id,
			labels: JSON.parse(r.labels) as LabelValues
		}))
	).find((a) => a.userId === userId);

	const ranks = Object.fromEntries(
		await Promise.all(
			leaderboardWindows.map(async (window) => {
				const rows = await rankedContributors(db, window, now, config);
				return [window, rows.find((r) => r.userId === userId)?.rank ?? null] as const;
			})
		)
	) as StatsResponse['ranks'];

	return {
		userId,
		displayName: user.displayName,
		points,
		breakdown: awardKinds.map((kind) => {
			const row = breakdown.find((b) => b.kind === kind);
			return { kind, count: Number(row?.count ?? 0), points: roundPoints(row?.points ?? 0) };
		}),
		counts,
		streak,
		agreement: {
			ranking: ranking ? { meanTau: ranking.meanTau, rankings: ranking.rankings } : null,
			labels:
				labels && labels.agreement !== null
					? { agreement: labels.agreement, comparisons: labels.comparisons }
					: null
		},
		ranks
	};
}

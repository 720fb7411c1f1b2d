// The consensus of one sibling set from its recorded rankings, and how well each contributor
// agreed with it. "Not rankable" answers are counted and reported but carry no order.
import { kendallTau } from './kendall-tau';
import { rankedPairs } from './ranked-pairs';

export interface SubmittedRanking {
	userId: string;
	/** Best first; null for "none of these can be ranked". */
	ranking: readonly string[] | null;
}

export interface SiblingConsensus {
	/** Best first, over the members every usable ranking contains; null when none is usable. */
	order: string[] | null;
	/** Rank per member (0 is best); null for members outside the consensus. */
	ranks: Map<string, number | null>;
	/** Rankings that contributed an order. */
	usableRankings: number;
	notRankable: number;
	/** Kendall τ of each ordering contributor against the consensus (null: nothing to compare). */
	agreement: { userId: string; tau: number | null }[];
}

/**
 * `memberIds` are the siblings that still count (accepted, not deleted); ids of replies
 * deleted or rejected after a ranking was given are dropped from it, and a ranking left with
 * fewer than two of them no longer orders anything.
 */
export function siblingConsensus(
	memberIds: readonly string[],
	rankings: readonly SubmittedRanking[]
): SiblingConsensus {
	const members = new Set(memberIds);
	const usable = rankings
		.filter((r) => r.ranking !== null)
		.map((r) => ({ userId: r.userId, ranking: r.ranking!.filter((id) => members.has(id)) }))
		.filter((r) => r.ranking.length >= 2);
	const notRankable = rankings.filter((r) => r.ranking === null).length;

	const order = usable.length > 0 ? rankedPairs(usable.map((r) => r.ranking)).order : null;
	const rankOf = new Map(order?.map((id, rank) => [id, rank]) ?? []);
	return {
		order,
		ranks: new Map(memberIds.map((id) => [id, rankOf.get(id) ?? null])),
		usableRankings: usable.length,
		notRankable,
		agreement: usable.map((r) => ({ userId: r.userId, tau: kendallTau(r.ranking, order!) }))
	};
}

export interface RankingAgreement {
	userId: string;
	/** Mean Kendall τ of the contributor's rankings against their consensus, in [−1, 1]. */
	meanTau: number;
	rankings: number;
}

/** Per contributor, the mean τ over all their rankings that could be compared. */
export function rankingAgreementByUser(
	entries: readonly { userId: string; tau: number | null }[]
): RankingAgreement[] {
	const byUser = new Map<string, number[]>();
	for (const { userId, tau } of entries) {
		if (tau !== null) byUser.set(userId, [...(byUser.get(userId) ?? []), tau]);
	}
	return [...byUser].map(([userId, taus]) => ({
		userId,
		meanTau: taus.reduce((s, t) => s + t, 0) / taus.length,
		rankings: taus.length
	}));
}

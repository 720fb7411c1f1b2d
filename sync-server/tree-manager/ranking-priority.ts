// Active learning for rankings. A trainer scores each sibling set waiting for rankings with its
// reward model's uncertainty (PUT /api/trainer/ranking-priorities) and the task choice serves the
// most uncertain set first — except for a share of picks (`ranking.randomShare`, default 0.2)
// drawn uniformly among all eligible sets, so the rankings still hold an unbiased sample for
// training and evaluating the next reward model. Sets without a priority (new since the last
// scoring, or never scored) come after every prioritised one, and among themselves are drawn
// uniformly; ties are drawn uniformly too. Without any priority the choice is the uniform one.
import type { Random } from '../../src/lib/shared/random';
import { pickOne } from './random';

/** A sibling set's priority by its parent message's id; higher is served first. */
export type RankingPriorities = ReadonlyMap<string, number>;

export const noRankingPriorities: RankingPriorities = new Map();

/**
 * One of `offers` (ranking offers, named by their parent `targetId`): with probability
 * `randomShare` a uniform draw among them all, otherwise the highest priority (a uniform draw
 * among ties; among all when none has a priority).
 */
export function pickRankingOffer<T extends { targetId: string }>(
	offers: readonly T[],
	priorities: RankingPriorities,
	random: Random,
	randomShare: number
): T {
	if (offers.length === 0) throw new Error('pickRankingOffer: nothing to pick from');
	const prioritised = offers.filter((o) => priorities.has(o.targetId));
	// No priority among them: the uniform draw, with no extra draw (seeded runs stay as they were).
	if (prioritised.length === 0) return pickOne(offers, random);
	if (random() < randomShare) return pickOne(offers, random);
	const best = Math.max(...prioritised.map((o) => priorities.get(o.targetId)!));
	return pickOne(
		prioritised.filter((o) => priorities.get(o.targetId) === best),
		random
	);
}

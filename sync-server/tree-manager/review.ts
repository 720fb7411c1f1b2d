// Review acceptance, as OpenAssistant computed it: after the required number of label
// reviews, a message is accepted when 1 − (mean spam + mean lang_mismatch) is above the
// threshold. lang_mismatch missing from a review counts as 0 (older simple forms lacked it).
import type { LabelValues } from '../../src/lib/protocol/labels';
import type { TreeManagerConfig } from './config';

export function acceptanceScore(reviews: readonly { labels: LabelValues }[]): number {
	if (reviews.length === 0) throw new Error('acceptanceScore needs at least one review');
	const mean = (pick: (labels: LabelValues) => number) =>
		reviews.reduce((sum, r) => sum + pick(r.labels), 0) / reviews.length;
	return 1 - (mean((l) => l.spam ?? 0) + mean((l) => l.lang_mismatch ?? 0));
}

export interface ReviewDecision {
	result: boolean;
	score: number;
}

/**
 * The review result a message should now have, or null when nothing is decided yet (too
 * few reviews) or nothing changes. An accepted message stays accepted whatever later reviews
 * say — replies may already hang below it — while a rejected one can still be accepted by
 * further reviews, as in OpenAssistant.
 */
export function decideReview(
	current: boolean | null,
	reviews: readonly { labels: LabelValues }[],
	config: TreeManagerConfig
): ReviewDecision | null {
	if (current === true || reviews.length < config.review.requiredReviews) return null;
	const score = acceptanceScore(reviews);
	const result = score > config.review.acceptanceThreshold;
	return result === current ? null : { result, score };
}

// How closely each contributor's labels match the other reviewers of the same messages:
// for every (message, label) that at least one other reviewer also answered, the absolute
// deviation of the contributor's value from the mean of the others' values. The score is
// 1 − the mean of those deviations, so 1 is perfect agreement and 0 the opposite extreme
// (label values lie in [0, 1]).
//
// The contributor's own value is left out of the mean: with three reviewers it would pull the
// mean a third of the way towards them and flatter everyone.
import type { LabelName, LabelValues } from '../../src/lib/protocol/labels';

export interface LabelReview {
	messageId: string;
	reviewerId: string;
	labels: LabelValues;
}

export interface LabelAgreement {
	userId: string;
	/** 1 − mean absolute deviation; null when nothing of theirs could be compared. */
	agreement: number | null;
	/** (message, label) values compared. */
	comparisons: number;
	perLabel: Partial<Record<LabelName, { agreement: number; comparisons: number }>>;
}

export function labelAgreement(reviews: readonly LabelReview[]): LabelAgreement[] {
	const byMessage = new Map<string, LabelReview[]>();
	for (const review of reviews) {
		byMessage.set(review.messageId, [...(byMessage.get(review.messageId) ?? []), review]);
	}

	const deviations = new Map<string, Map<LabelName, number[]>>();
	for (const review of reviews) {
		if (!deviations.has(review.reviewerId)) deviations.set(review.reviewerId, new Map());
		const others = byMessage.get(review.messageId)!.filter((r) => r !== review);
		for (const [name, value] of Object.entries(review.labels) as [LabelName, number][]) {
			const otherValues = others.map((r) => r.labels[name]).filter((v) => v !== undefined);
			if (otherValues.length === 0) continue;
			const mean = otherValues.reduce((sum, v) => sum + v, 0) / otherValues.length;
			const perLabel = deviations.get(review.reviewerId)!;
			perLabel.set(name, [...(perLabel.get(name) ?? []), Math.abs(value - mean)]);
		}
	}

	const score = (values: number[]) => 1 - values.reduce((s, v) => s + v, 0) / values.length;
	return [...deviations].map(([userId, perLabel]) => {
		const all = [...perLabel.values()].flat();
		return {
			userId,
			agreement: all.length > 0 ? score(all) : null,
			comparisons: all.length,
			perLabel: Object.fromEntries(
				[...perLabel].map(([name, values]) => [
					name,
					{ agreement: score(values), comparisons: values.length }
				])
			)
		};
	});
}

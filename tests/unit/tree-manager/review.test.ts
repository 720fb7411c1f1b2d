import { describe, expect, it } from 'vitest';
import { defaultTreeManagerConfig as config } from '../../../sync-server/tree-manager/config';
import { acceptanceScore, decideReview } from '../../../sync-server/tree-manager/review';

const reviews = (...spam: number[]) => spam.map((s) => ({ labels: { spam: s, lang_mismatch: 0 } }));

describe('review acceptance', () => {
	it('scores 1 − (mean spam + mean lang_mismatch)', () => {
		expect(acceptanceScore(reviews(0, 0, 1))).toBeCloseTo(2 / 3, 12);
		expect(
			acceptanceScore([
				{ labels: { spam: 0, lang_mismatch: 1 } },
				{ labels: { spam: 0 } },
				{ labels: { spam: 1, lang_mismatch: 0 } }
			])
		).toBeCloseTo(1 - (1 / 3 + 1 / 3), 12);
		expect(() => acceptanceScore([])).toThrow(/at least one review/);
	});

	it('decides nothing before the third review', () => {
		expect(decideReview(null, reviews(0, 0), config)).toBeNull();
	});

	it('accepts above 0.6 and rejects at or below it', () => {
		expect(decideReview(null, reviews(0, 0, 1), config)).toEqual({
			result: true,
			score: expect.closeTo(2 / 3, 12)
		});
		expect(decideReview(null, reviews(0, 1, 1), config)).toMatchObject({ result: false });
		// 2 of 5 say spam: exactly 0.6, which is not above the threshold.
		expect(decideReview(null, reviews(0, 0, 0, 1, 1), config)).toMatchObject({
			result: false,
			score: 0.6
		});
	});

	it('never revokes an acceptance, but lets later reviews accept a rejected message', () => {
		expect(decideReview(true, reviews(1, 1, 1, 1), config)).toBeNull();
		expect(decideReview(false, reviews(0, 1, 1), config)).toBeNull();
		expect(decideReview(false, reviews(0, 1, 1, 0, 0, 0, 0), config)).toMatchObject({
			result: true
		});
	});
});

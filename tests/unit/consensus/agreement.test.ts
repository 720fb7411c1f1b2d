import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kendallTau } from '../../../sync-server/consensus/kendall-tau';
import { labelAgreement } from '../../../sync-server/consensus/label-agreement';
import {
	rankingAgreementByUser,
	siblingConsensus
} from '../../../sync-server/consensus/sibling-ranking';

describe('Kendall τ', () => {
	it('is 1 for identical rankings and −1 for reversed ones', () => {
		expect(kendallTau(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])).toBe(1);
		expect(kendallTau(['a', 'b', 'c', 'd'], ['d', 'c', 'b', 'a'])).toBe(-1);
	});

	it('counts one swapped pair out of six as (5 − 1) / 6', () => {
		expect(kendallTau(['a', 'b', 'c', 'd'], ['b', 'a', 'c', 'd'])).toBeCloseTo(4 / 6, 12);
	});

	it('compares only the ids both rankings contain', () => {
		expect(kendallTau(['a', 'b', 'c', 'x'], ['c', 'y', 'b', 'a'])).toBe(-1);
		expect(kendallTau(['a', 'x'], ['a', 'y'])).toBeNull();
	});

	it('lies in [−1, 1] and is symmetric', () => {
		const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
		fc.assert(
			fc.property(fc.shuffledSubarray(ids), fc.shuffledSubarray(ids), (a, b) => {
				const tau = kendallTau(a, b);
				if (tau === null) return;
				expect(tau).toBeGreaterThanOrEqual(-1);
				expect(tau).toBeLessThanOrEqual(1);
				expect(kendallTau(b, a)).toBeCloseTo(tau, 12);
			})
		);
	});
});

describe('sibling consensus', () => {
	it('records not-rankable answers without letting them order anything', () => {
		const result = siblingConsensus(
			['r1', 'r2', 'r3'],
			[
				{ userId: 'u1', ranking: ['r2', 'r1', 'r3'] },
				{ userId: 'u2', ranking: null },
				{ userId: 'u3', ranking: ['r2', 'r3', 'r1'] },
				{ userId: 'u4', ranking: ['r2', 'r1', 'r3'] }
			]
		);
		expect(result.order).toEqual(['r2', 'r1', 'r3']);
		expect(result.notRankable).toBe(1);
		expect(result.usableRankings).toBe(3);
		expect(Object.fromEntries(result.ranks)).toEqual({ r1: 1, r2: 0, r3: 2 });
		// u3 disagrees with the consensus on one pair of three.
		expect(result.agreement).toEqual([
			{ userId: 'u1', tau: 1 },
			{ userId: 'u3', tau: 1 / 3 },
			{ userId: 'u4', tau: 1 }
		]);
	});

	it('drops replies no longer in the set and leaves unranked members without a rank', () => {
		// r3 was deleted after u1 ranked it; u2 only saw r1 and r2 before r4 arrived late.
		const result = siblingConsensus(
			['r1', 'r2', 'r4'],
			[
				{ userId: 'u1', ranking: ['r3', 'r1', 'r2', 'r4'] },
				{ userId: 'u2', ranking: ['r2', 'r1'] }
			]
		);
		expect(result.order).toEqual(['r1', 'r2']);
		expect(Object.fromEntries(result.ranks)).toEqual({ r1: 0, r2: 1, r4: null });
	});

	it('has no order when every answer was "not rankable"', () => {
		const result = siblingConsensus(['r1', 'r2'], [{ userId: 'u1', ranking: null }]);
		expect(result.order).toBeNull();
		expect(Object.fromEntries(result.ranks)).toEqual({ r1: null, r2: null });
		expect(result.agreement).toEqual([]);
	});

	it('averages each contributor’s τ over their comparable rankings', () => {
		expect(
			rankingAgreementByUser([
				{ userId: 'u1', tau: 1 },
				{ userId: 'u1', tau: 0 },
				{ userId: 'u1', tau: null },
				{ userId: 'u2', tau: -1 }
			])
		).toEqual([
			{ userId: 'u1', meanTau: 0.5, rankings: 2 },
			{ userId: 'u2', meanTau: -1, rankings: 1 }
		]);
	});
});

describe('label agreement', () => {
	it('scores each contributor by the mean absolute deviation from the other reviewers', () => {
		const reviews = [
			{ messageId: 'm1', reviewerId: 'u1', labels: { spam: 0, quality: 1 } },
			{ messageId: 'm1', reviewerId: 'u2', labels: { spam: 0, quality: 0.5 } },
			{ messageId: 'm1', reviewerId: 'u3', labels: { spam: 1, quality: 1, humor: 0.5 } },
			{ messageId: 'm2', reviewerId: 'u1', labels: { spam: 0 } }
		];
		const byUser = new Map(labelAgreement(reviews).map((a) => [a.userId, a]));
		// u1 on m1: spam |0 − 0.5| = .5, quality |1 − 0.75| = .25; m2 has no other reviewer.
		expect(byUser.get('u1')!.agreement).toBeCloseTo(1 - 0.375, 12);
		expect(byUser.get('u1')!.comparisons).toBe(2);
		// u2: spam |0 − 0.5| = .5, quality |0.5 − 1| = .5.
		expect(byUser.get('u2')!.agreement).toBeCloseTo(0.5, 12);
		// u3: spam |1 − 0| = 1, quality |1 − 0.75| = .25; nobody else gave humor.
		expect(byUser.get('u3')!.agreement).toBeCloseTo(1 - 0.625, 12);
		expect(byUser.get('u3')!.perLabel).toEqual({
			spam: { agreement: 0, comparisons: 1 },
			quality: { agreement: 0.75, comparisons: 1 }
		});
	});

	it('has no score for a contributor nobody else reviewed alongside', () => {
		expect(labelAgreement([{ messageId: 'm1', reviewerId: 'solo', labels: { spam: 1 } }])).toEqual([
			{ userId: 'solo', agreement: null, comparisons: 0, perLabel: {} }
		]);
	});
});

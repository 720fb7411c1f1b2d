import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonIdsOf, rankedPairs } from '../../../sync-server/consensus/ranked-pairs';

const repeat = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

describe('ranked pairs, hand-checked', () => {
	it('breaks a Condorcet cycle at its weakest margin', () => {
		// 4 × A>B>C, 3 × B>C>A, 2 × C>A>B: A beats B 6–3 (margin 3), B beats C 7–2 (5),
		// C beats A 5–4 (1). Lock B>C, then A>B; C>A would close the cycle and is skipped.
		const rankings = [
			...repeat(3, ['B', 'C', 'A']),
			...repeat(4, ['A', 'B', 'C']),
			...repeat(2, ['C', 'A', 'B'])
		];
		const result = rankedPairs(rankings);
		expect(result.majorities).toEqual([
			{ winner: 'B', loser: 'C', margin: 5 },
			{ winner: 'A', loser: 'B', margin: 3 },
			{ winner: 'C', loser: 'A', margin: 1 }
		]);
		expect(result.locked).toEqual(result.majorities.slice(0, 2));
		expect(result.order).toEqual(['A', 'B', 'C']);
	});

	it('in a perfectly symmetric cycle, follows the first ranking (the tie-break ballot)', () => {
		// Every margin is 1; equal margins lock in the winners' tie-break order, so the pair
		// whose winner comes last in the first ranking is the one that closes the cycle.
		expect(
			rankedPairs([
				['A', 'B', 'C'],
				['B', 'C', 'A'],
				['C', 'A', 'B']
			]).order
		).toEqual(['A', 'B', 'C']);
		const fromB = rankedPairs([
			['B', 'C', 'A'],
			['C', 'A', 'B'],
			['A', 'B', 'C']
		]);
		expect(fromB.locked).toEqual([
			{ winner: 'B', loser: 'C', margin: 1 },
			{ winner: 'C', loser: 'A', margin: 1 }
		]);
		expect(fromB.order).toEqual(['B', 'C', 'A']);
	});

	it('locks nothing on an exact tie and orders by the first ranking', () => {
		const result = rankedPairs([
			['A', 'B'],
			['B', 'A']
		]);
		expect(result.majorities).toEqual([]);
		expect(result.order).toEqual(['A', 'B']);
		expect(
			rankedPairs([
				['B', 'A'],
				['A', 'B']
			]).order
		).toEqual(['B', 'A']);
	});

	it('orders candidates the locked pairs leave unordered by the tie-break ranking', () => {
		// A beats both 2–0; B and C tie 1–1.
		expect(
			rankedPairs([
				['A', 'B', 'C'],
				['A', 'C', 'B']
			]).order
		).toEqual(['A', 'B', 'C']);
		expect(
			rankedPairs([
				['A', 'C', 'B'],
				['A', 'B', 'C']
			]).order
		).toEqual(['A', 'C', 'B']);
	});

	it('ranks only the ids common to every ranking', () => {
		// Common {A, B, C}; restricted ballots A>B>C, B>A>C, C>B>A: B beats A 2–1, A beats C
		// 2–1, B beats C 2–1, all margin 1 and acyclic, so B > A > C.
		const result = rankedPairs([
			['A', 'B', 'C', 'D'],
			['B', 'A', 'C'],
			['C', 'E', 'B', 'A']
		]);
		expect(result.commonIds).toEqual(['A', 'B', 'C']);
		expect(result.order).toEqual(['B', 'A', 'C']);
		expect(result.locked).toHaveLength(3);
	});

	it('returns a single ranking unchanged and an empty common set as empty', () => {
		expect(rankedPairs([['x', 'y', 'z']]).order).toEqual(['x', 'y', 'z']);
		expect(rankedPairs([['a', 'b'], ['c']]).order).toEqual([]);
	});

	it('rejects no rankings and a ranking that repeats an id', () => {
		expect(() => rankedPairs([])).toThrow(/at least one ranking/);
		expect(() => rankedPairs([['a', 'b', 'a']])).toThrow(/ranking 0 lists an id more than once/);
	});
});

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
// A base set of ids every ranking contains, and ballots that each add extra ids of their own,
// every ballot in its own order.
const permutationOf = (items: string[]) => fc.shuffledSubarray(items, { minLength: items.length });
const partialRankings = fc.shuffledSubarray(ids, { minLength: 1 }).chain((base) =>
	fc.array(
		fc.subarray(['x', 'y', 'z']).chain((extra) => permutationOf([...base, ...extra])),
		{ minLength: 1, maxLength: 7 }
	)
);

describe('ranked pairs, properties', () => {
	it('returns a permutation of the common ids', () => {
		fc.assert(
			fc.property(partialRankings, (rankings) => {
				const { order } = rankedPairs(rankings);
				expect([...order].sort()).toEqual([...commonIdsOf(rankings)].sort());
			})
		);
	});

	it('returns a unanimous ranking unchanged', () => {
		fc.assert(
			fc.property(
				fc.shuffledSubarray(ids, { minLength: 1 }),
				fc.integer({ min: 1, max: 9 }),
				(ranking, n) => {
					expect(rankedPairs(repeat(n, ranking)).order).toEqual(ranking);
				}
			)
		);
	});

	it('puts a Condorcet winner first', () => {
		fc.assert(
			fc.property(partialRankings, (rankings) => {
				const { commonIds, majorities, order } = rankedPairs(rankings);
				const winner = commonIds.find(
					(c) => majorities.filter((p) => p.winner === c).length === commonIds.length - 1
				);
				if (winner !== undefined) expect(order[0]).toBe(winner);
			})
		);
	});
});

// Active learning for rankings: the task choice serves the sibling set the trainer's reward model
// is least sure of, except for `ranking.randomShare` of picks drawn uniformly among all eligible
// sets; sets without a priority come after every prioritised one.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/lib/shared/random';
import {
	defaultTreeManagerConfig as config,
	resolveTreeManagerConfig
} from '../../../sync-server/tree-manager/config';
import type { TaskOffer } from '../../../sync-server/tree-manager/offers';
import { pickRankingOffer } from '../../../sync-server/tree-manager/ranking-priority';
import { chooseOffer } from '../../../sync-server/tree-manager/task-choice';

const rank = (targetId: string): Extract<TaskOffer, { targetId: string }> => ({
	type: 'rank_assistant_replies',
	lang: 'en',
	treeId: 'tree',
	targetId,
	loneReply: false
});

function tally(draw: () => { targetId: string }, n: number): Map<string, number> {
	const counts = new Map<string, number>();
	for (let i = 0; i < n; i++) {
		const { targetId } = draw();
		counts.set(targetId, (counts.get(targetId) ?? 0) + 1);
	}
	return counts;
}

describe('choosing a sibling set to rank by priority', () => {
	const offers = ['a', 'b', 'c', 'd', 'e'].map(rank);
	const priorities = new Map([
		['a', 0.1],
		['b', 0.9],
		['c', 0.5]
	]);

	it('serves the highest priority every time when the random share is 0', () => {
		const random = seededRandom(1);
		const counts = tally(() => pickRankingOffer(offers, priorities, random, 0), 1000);
		expect(counts).toEqual(new Map([['b', 1000]]));
	});

	it('then the next ones, in descending priority, as the best drop out', () => {
		const random = seededRandom(2);
		const order: string[] = [];
		let left = [...offers];
		while (left.length > 0) {
			const pick = pickRankingOffer(left, priorities, random, 0);
			order.push(pick.targetId);
			left = left.filter((o) => o !== pick);
		}
		expect(order.slice(0, 3)).toEqual(['b', 'c', 'a']);
		// Sets without a priority come after every prioritised one.
		expect(order.slice(3).sort()).toEqual(['d', 'e']);
	});

	it('draws the random share uniformly among all eligible sets, within a tolerance', () => {
		const random = seededRandom(3);
		const n = 50_000;
		const share = 0.2;
		const counts = tally(() => pickRankingOffer(offers, priorities, random, share), n);
		// Each set gets share / 5 of the picks at random; b also gets every other pick.
		const uniform = (n * share) / offers.length;
		for (const id of ['a', 'c', 'd', 'e']) {
			expect(counts.get(id)).toBeGreaterThan(uniform * 0.9);
			expect(counts.get(id)).toBeLessThan(uniform * 1.1);
		}
		const best = n * (1 - share) + uniform;
		expect(counts.get('b')).toBeGreaterThan(best * 0.98);
		expect(counts.get('b')).toBeLessThan(best * 1.02);
	});

	it('honours other shares: 0.5 and 1 (plain uniform)', () => {
		for (const share of [0.5, 1]) {
			const random = seededRandom(4);
			const n = 40_000;
			const counts = tally(() => pickRankingOffer(offers, priorities, random, share), n);
			const uniform = (n * share) / offers.length;
			expect(counts.get('d')).toBeGreaterThan(uniform * 0.9);
			expect(counts.get('d')).toBeLessThan(uniform * 1.1);
			const best = n * (1 - share) + uniform;
			expect(counts.get('b')).toBeGreaterThan(best * 0.95);
			expect(counts.get('b')).toBeLessThan(best * 1.05);
		}
	});

	it('draws uniformly among sets tied at the top', () => {
		const random = seededRandom(5);
		const tied = new Map([
			['a', 0.7],
			['b', 0.7],
			['c', 0.2]
		]);
		const counts = tally(() => pickRankingOffer(offers, tied, random, 0), 20_000);
		expect([...counts.keys()].sort()).toEqual(['a', 'b']);
		expect(counts.get('a')).toBeGreaterThan(9_000);
		expect(counts.get('b')).toBeGreaterThan(9_000);
	});

	it('without any priority among the offers, is the uniform draw it always was', () => {
		const random = seededRandom(6);
		const plain = seededRandom(6);
		const others = new Map([['zz', 5]]);
		for (let i = 0; i < 200; i++) {
			expect(pickRankingOffer(offers, others, random, 0.2)).toBe(
				offers[Math.floor(plain() * offers.length)]
			);
		}
	});

	it('takes negative and equal scores as they come', () => {
		const random = seededRandom(7);
		const negative = new Map([
			['d', -3],
			['e', -1]
		]);
		expect(pickRankingOffer(offers, negative, random, 0).targetId).toBe('e');
	});

	it('refuses an empty list', () => {
		expect(() => pickRankingOffer([], new Map(), seededRandom(1), 0.2)).toThrow(/nothing/);
	});
});

describe('the task choice uses the priorities for ranking tasks', () => {
	const mixed: TaskOffer[] = [
		rank('a'),
		rank('b'),
		{ ...rank('p'), type: 'rank_prompter_replies' },
		{ type: 'label_assistant_reply', lang: 'en', treeId: 'tree', targetId: 'x', loneReply: false }
	];
	const priorities = new Map([
		['a', 0.2],
		['b', 0.4],
		['p', 0.9]
	]);
	const noShare = resolveTreeManagerConfig({ ranking: { randomShare: 0 } });

	it('in a random request, once the ranking category is drawn', () => {
		const random = seededRandom(8);
		const counts = new Map<string, number>();
		for (let i = 0; i < 5000; i++) {
			const o = chooseOffer(mixed, 'random', random, noShare, priorities)!;
			const key = 'targetId' in o ? o.targetId : o.type;
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
		expect(counts.get('a')).toBeUndefined();
		expect(counts.get('b')).toBeUndefined();
		// ranking : label reply weights 10 : 5.
		expect(counts.get('p')! / 5000).toBeGreaterThan(0.62);
		expect(counts.get('p')! / 5000).toBeLessThan(0.71);
	});

	it('in a request for one ranking type, among the offers of that type', () => {
		const random = seededRandom(9);
		for (let i = 0; i < 100; i++) {
			expect(chooseOffer(mixed, 'rank_assistant_replies', random, noShare, priorities)).toEqual(
				rank('b')
			);
		}
	});

	it('with the default share of 0.2, configurable through the tree manager config', () => {
		expect(config.ranking.randomShare).toBe(0.2);
		expect(resolveTreeManagerConfig({ ranking: { randomShare: 0.5 } }).ranking).toEqual({
			...config.ranking,
			randomShare: 0.5
		});
		expect(() => resolveTreeManagerConfig({ ranking: { randomShare: 1.5 } })).toThrow(
			/ranking\.randomShare/
		);
	});
});

import { describe, expect, it } from 'vitest';
import { resolveTreeManagerConfig } from '../../../sync-server/tree-manager/config';
import {
	drawLottery,
	initialPromptsWanted,
	type LotteryEntry
} from '../../../sync-server/tree-manager/lottery';
import { seededRandom } from '../../../src/lib/shared/random';

const entry = (treeId: string, lang: string, authorId: string, firsts = 0): LotteryEntry => ({
	treeId,
	lang,
	authorId,
	authorFirstRanksThisWeek: firsts
});

describe('prompt lottery', () => {
	const config = resolveTreeManagerConfig({
		lottery: { maxActiveTrees: 3, maxActivationsPerRun: 10 }
	});

	it('fills each language up to its bound of growing trees', () => {
		const waiting = [
			entry('en1', 'en', 'a'),
			entry('en2', 'en', 'b'),
			entry('en3', 'en', 'c'),
			entry('de1', 'de', 'a'),
			entry('de2', 'de', 'd')
		];
		const winners = drawLottery(waiting, { en: 1, de: 3 }, seededRandom(1), config);
		expect(winners).toHaveLength(2);
		expect(winners.every((id) => id.startsWith('en'))).toBe(true);
		expect(drawLottery(waiting, {}, seededRandom(1), config).sort()).toEqual([
			'de1',
			'de2',
			'en1',
			'en2',
			'en3'
		]);
	});

	it('activates at most maxActivationsPerRun trees per run', () => {
		const slow = resolveTreeManagerConfig({
			lottery: { maxActiveTrees: 10, maxActivationsPerRun: 2 }
		});
		const waiting = ['1', '2', '3', '4'].map((id) => entry(id, 'en', `author${id}`));
		expect(drawLottery(waiting, { en: 0 }, seededRandom(2), slow)).toHaveLength(2);
	});

	it('draws authors weighted by 1 + their first-ranked replies this week', () => {
		const one = resolveTreeManagerConfig({ lottery: { maxActiveTrees: 1 } });
		// star has 9 first ranks (weight 10) and three prompts; newbie has weight 1 and one prompt.
		const waiting = [
			entry('s1', 'en', 'star', 9),
			entry('s2', 'en', 'star', 9),
			entry('s3', 'en', 'star', 9),
			entry('n1', 'en', 'newbie')
		];
		const random = seededRandom(3);
		let newbie = 0;
		for (let i = 0; i < 11_000; i++)
			if (drawLottery(waiting, { en: 0 }, random, one)[0] === 'n1') newbie++;
		// expected 1 000 (1 in 11): per author, not per prompt
		expect(newbie).toBeGreaterThan(850);
		expect(newbie).toBeLessThan(1150);
	});

	it('wants new prompts while there is room to grow or review, within the lottery’s capacity', () => {
		const defaults = resolveTreeManagerConfig();
		expect(
			initialPromptsWanted({ growing: 10, initialPromptReview: 100, waiting: 0 }, defaults)
		).toBe(0);
		expect(
			initialPromptsWanted({ growing: 7, initialPromptReview: 98, waiting: 0 }, defaults)
		).toBe(5);
		expect(
			initialPromptsWanted({ growing: 0, initialPromptReview: 0, waiting: 249 }, defaults)
		).toBe(1);
		expect(
			initialPromptsWanted({ growing: 0, initialPromptReview: 0, waiting: 300 }, defaults)
		).toBe(0);
	});
});

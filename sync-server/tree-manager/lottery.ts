// The prompt lottery, per language: accepted prompts wait in `prompt_lottery_waiting` and are
// activated (start growing) while fewer than `maxActiveTrees` trees of their language grow.
// As in OpenAssistant, an author is drawn first, weighted by 1 + how many of their replies
// were ranked first this week (so good contributors' prompts grow sooner, yet everyone has a
// chance), then one of that author's waiting prompts uniformly.
import type { TreeManagerConfig } from './config';
import { pickOne, pickWeighted } from './random';
import type { Random } from '../../src/lib/shared/random';

export interface LotteryEntry {
	treeId: string;
	lang: string;
	authorId: string;
	/** The author's replies ranked first in the last week. */
	authorFirstRanksThisWeek: number;
}

export interface LanguageTreeCounts {
	growing: number;
	initialPromptReview: number;
	waiting: number;
}

/**
 * Trees to activate now, at most `maxActivationsPerRun` in all, each language filled up to
 * `maxActiveTrees` growing trees. `growingByLang` counts the trees growing now.
 */
export function drawLottery(
	waiting: readonly LotteryEntry[],
	growingByLang: Readonly<Record<string, number>>,
	random: Random,
	config: TreeManagerConfig
): string[] {
	const winners: string[] = [];
	const langs = [...new Set(waiting.map((e) => e.lang))].sort();
	for (const lang of langs) {
		let pool = waiting.filter((e) => e.lang === lang);
		let free = config.lottery.maxActiveTrees - (growingByLang[lang] ?? 0);
		while (free > 0 && pool.length > 0 && winners.length < config.lottery.maxActivationsPerRun) {
			const authors = [...new Map(pool.map((e) => [e.authorId, e])).values()];
			const author = pickWeighted(authors, (e) => 1 + e.authorFirstRanksThisWeek, random)!;
			const winner = pickOne(
				pool.filter((e) => e.authorId === author.authorId),
				random
			);
			winners.push(winner.treeId);
			pool = pool.filter((e) => e !== winner);
			free--;
		}
	}
	return winners;
}

/**
 * How many new-prompt tasks a language can use (OpenAssistant's rule): room for growing trees
 * plus room in initial-prompt review, but never more than the lottery has room to hold.
 */
export function initialPromptsWanted(
	counts: LanguageTreeCounts,
	config: TreeManagerConfig
): number {
	const { maxActiveTrees, maxInitialPromptReview, maxWaiting } = config.lottery;
	const missingGrowing = Math.max(0, maxActiveTrees - counts.growing);
	const reviewRoom = Math.max(0, maxInitialPromptReview - counts.initialPromptReview);
	const lotteryRoom = Math.max(0, maxWaiting - counts.waiting);
	return Math.min(missingGrowing + reviewRoom, lotteryRoom);
}

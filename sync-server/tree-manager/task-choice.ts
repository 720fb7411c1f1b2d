// Choosing tasks for a request. A `random` request draws a category with OpenAssistant's
// weights (ranking 10, label reply 5, label prompt 5, reply 2, new prompt 0.01) among the
// categories that have offers, then an offer within it; a reply is preferably one that gives
// a lone assistant reply a sibling, a ranking the most uncertain sibling set by the trainer's
// priorities (ranking-priority.ts). A named type skips the category draw.
import type { TaskRequestType } from '../../src/lib/protocol/tasks';
import type { TreeManagerConfig } from './config';
import { offerKey, workKindOf } from './offer-key';
import { offersOfTree, type Contributor, type TaskOffer } from './offers';
import { pickOne, pickWeighted } from './random';
import { noRankingPriorities, pickRankingOffer, type RankingPriorities } from './ranking-priority';
import type { Random } from '../../src/lib/shared/random';
import type { TreeSnapshot } from './snapshot';

export type TaskCategory = keyof TreeManagerConfig['taskWeights'];

export function categoryOf(type: TaskOffer['type']): TaskCategory {
	switch (type) {
		case 'rank_prompter_replies':
		case 'rank_assistant_replies':
			return 'ranking';
		case 'label_prompter_reply':
		case 'label_assistant_reply':
			return 'labelReply';
		case 'label_initial_prompt':
			return 'labelPrompt';
		case 'prompter_reply':
		case 'assistant_reply':
			return 'reply';
		case 'initial_prompt':
			return 'initialPrompt';
		case 'sample_assistant_replies':
			return 'sampleReplies';
	}
}

function pickWithinCategory(
	offers: readonly TaskOffer[],
	random: Random,
	config: TreeManagerConfig,
	priorities: RankingPriorities
): TaskOffer {
	const first = offers[0];
	if (first && 'targetId' in first && categoryOf(first.type) === 'ranking') {
		const ranking = offers as readonly Extract<TaskOffer, { targetId: string }>[];
		return pickRankingOffer(ranking, priorities, random, config.ranking.randomShare);
	}
	const lone = offers.filter((o) => 'loneReply' in o && o.loneReply);
	if (lone.length > 0 && random() < config.loneReply.preference) return pickOne(lone, random);
	return pickOne(offers, random);
}

/** One offer for the request, or null when nothing fits. */
export function chooseOffer(
	offers: readonly TaskOffer[],
	request: TaskRequestType,
	random: Random,
	config: TreeManagerConfig,
	priorities: RankingPriorities = noRankingPriorities
): TaskOffer | null {
	if (request !== 'random') {
		const matching = offers.filter((o) => o.type === request);
		return matching.length > 0 ? pickWithinCategory(matching, random, config, priorities) : null;
	}
	const categories = [...new Set(offers.map((o) => categoryOf(o.type)))];
	const category = pickWeighted(categories, (c) => config.taskWeights[c], random);
	if (category === null) return null;
	return pickWithinCategory(
		offers.filter((o) => categoryOf(o.type) === category),
		random,
		config,
		priorities
	);
}

export interface BatchRequest {
	/** Active trees; those in another language than `lang` are passed over. */
	trees: readonly TreeSnapshot[];
	contributor: Contributor;
	request: TaskRequestType;
	lang: string;
	/** Tasks wanted: the client's free lease slots. */
	count: number;
	/** New-prompt tasks that may be handed out (see `initialPromptsWanted`). */
	initialPrompts: number;
	random: Random;
	config: TreeManagerConfig;
	/** The trainer's priorities of sibling sets awaiting rankings (none: uniform). */
	rankingPriorities?: RankingPriorities;
}

/**
 * Up to `count` offers for one contributor, as a lease batch: each choice counts as leased
 * before the next, so a batch never holds the same work twice and never promises a message
 * more replies, reviews or rankings than it needs.
 */
export function chooseTaskBatch(batch: BatchRequest): TaskOffer[] {
	const trees = new Map(
		batch.trees
			.filter((t) => t.lang === batch.lang)
			.map((t) => [t.id, { ...t, leased: { ...t.leased } }])
	);
	const leased = new Set(batch.contributor.leased);
	const contributor = { ...batch.contributor, leased };
	let initialPrompts = batch.initialPrompts;
	const chosen: TaskOffer[] = [];
	while (chosen.length < batch.count) {
		const offers: TaskOffer[] = [...trees.values()].flatMap((t) =>
			offersOfTree(t, contributor, batch.config)
		);
		if (initialPrompts > 0) offers.push({ type: 'initial_prompt', lang: batch.lang });
		const offer = chooseOffer(
			offers,
			batch.request,
			batch.random,
			batch.config,
			batch.rankingPriorities
		);
		if (offer === null) break;
		chosen.push(offer);
		if (offer.type === 'initial_prompt') {
			initialPrompts--;
		} else {
			const key = offerKey(workKindOf(offer.type), offer.targetId);
			const tree = trees.get(offer.treeId)!;
			tree.leased[key] = (tree.leased[key] ?? 0) + 1;
			leased.add(key);
		}
	}
	return chosen;
}

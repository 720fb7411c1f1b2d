// Which tasks one tree offers one contributor right now. A contributor is never offered their
// own messages (labelling, ranking a set containing their reply, replying to them), nor what
// they already did (a review, a ranking, a reply to that parent — all visible in the
// snapshot), nor what they skipped or already hold a lease for.
import type { TaskType } from '../../src/lib/protocol/tasks';
import type { TreeManagerConfig } from './config';
import {
	extendibleParents,
	leasedReplies,
	liveChildren,
	minRankingCount,
	sampleRoom,
	siblingSets,
	treeSize
} from './growth';
import { offerKey, workKindOf, type WorkKind } from './offer-key';
import { childrenOf, reviewsOf, rootOf, type TreeMessage, type TreeSnapshot } from './snapshot';

export type TreeTaskType = Exclude<TaskType, 'initial_prompt'>;

export type TaskOffer =
	| { type: 'initial_prompt'; lang: string }
	| {
			type: TreeTaskType;
			lang: string;
			treeId: string;
			/** The parent for replies and rankings, the labelled message for labels. */
			targetId: string;
			/** A reply offer for a prompter message that has a single assistant reply so far. */
			loneReply: boolean;
			/** For a sampling offer: how many replies to sample. */
			samples?: number;
	  };
export type TreeTaskOffer = Extract<TaskOffer, { treeId: string }>;

export interface Contributor {
	userId: string;
	/** Offer keys (`offerKey`) of tasks the contributor skipped. */
	skipped: ReadonlySet<string>;
	/** Offer keys of the contributor's unexpired leases. */
	leased: ReadonlySet<string>;
}

function openTo(contributor: Contributor, kind: WorkKind, targetId: string): boolean {
	const key = offerKey(kind, targetId);
	return !contributor.skipped.has(key) && !contributor.leased.has(key);
}

function labelOffer(tree: TreeSnapshot, message: TreeMessage): TreeTaskOffer {
	const type: TreeTaskType =
		message.parentId === null
			? 'label_initial_prompt'
			: message.role === 'prompter'
				? 'label_prompter_reply'
				: 'label_assistant_reply';
	return { type, lang: tree.lang, treeId: tree.id, targetId: message.id, loneReply: false };
}

function labelOffers(
	tree: TreeSnapshot,
	candidates: TreeMessage[],
	contributor: Contributor,
	config: TreeManagerConfig
): TreeTaskOffer[] {
	return candidates
		.filter((m) => {
			if (m.deleted || m.reviewResult !== null || m.authorId === contributor.userId) return false;
			const reviews = reviewsOf(tree, m.id);
			const promised = tree.leased[offerKey('label', m.id)] ?? 0;
			return (
				reviews.length + promised < config.review.requiredReviews &&
				!reviews.some((r) => r.reviewerId === contributor.userId) &&
				openTo(contributor, 'label', m.id)
			);
		})
		.map((m) => labelOffer(tree, m));
}

function replyOffers(
	tree: TreeSnapshot,
	contributor: Contributor,
	config: TreeManagerConfig
): TreeTaskOffer[] {
	if (treeSize(tree) + leasedReplies(tree) >= tree.goalSize) return [];
	return extendibleParents(tree, config, { countLeases: true })
		.filter(
			({ parent }) =>
				parent.authorId !== contributor.userId &&
				!childrenOf(tree, parent.id).some((c) => !c.deleted && c.authorId === contributor.userId) &&
				openTo(contributor, 'reply', parent.id)
		)
		.map(({ parent }) => {
			const replies = liveChildren(tree, parent.id).length;
			return {
				type: parent.role === 'prompter' ? 'assistant_reply' : 'prompter_reply',
				lang: tree.lang,
				treeId: tree.id,
				targetId: parent.id,
				loneReply:
					parent.role === 'prompter' && replies > 0 && replies < config.loneReply.siblingsBelow
			};
		});
}

/**
 * Where a device may sample replies: a prompter message that wants more assistant replies and
 * has room for model samples within the configured share; as many as both allow, at most a
 * task's worth. Who may take it follows the reply rules (one's own message is not answered, nor
 * one already answered).
 */
function sampleOffers(
	tree: TreeSnapshot,
	contributor: Contributor,
	config: TreeManagerConfig
): TreeTaskOffer[] {
	return replyOffers(tree, contributor, config).flatMap((offer) => {
		if (offer.type !== 'assistant_reply') return [];
		const wanted =
			config.growth.maxAssistantReplies -
			liveChildren(tree, offer.targetId).length -
			(tree.leased[offerKey('reply', offer.targetId)] ?? 0);
		const samples = Math.min(
			config.sampling.samplesPerTask,
			sampleRoom(tree, offer.targetId, config),
			wanted
		);
		return samples > 0
			? [{ ...offer, type: 'sample_assistant_replies' as const, loneReply: false, samples }]
			: [];
	});
}

function rankOffers(
	tree: TreeSnapshot,
	contributor: Contributor,
	config: TreeManagerConfig
): TreeTaskOffer[] {
	return siblingSets(tree, config)
		.filter((set) => {
			const promised = tree.leased[offerKey('rank', set.parentId)] ?? 0;
			return (
				minRankingCount(set) + promised < config.ranking.requiredRankings &&
				!childrenOf(tree, set.parentId).some((c) => c.authorId === contributor.userId) &&
				!tree.rankings.some(
					(r) => r.parentId === set.parentId && r.userId === contributor.userId
				) &&
				openTo(contributor, 'rank', set.parentId)
			);
		})
		.map((set) => ({
			type: set.role === 'prompter' ? 'rank_prompter_replies' : 'rank_assistant_replies',
			lang: tree.lang,
			treeId: tree.id,
			targetId: set.parentId,
			loneReply: false
		}));
}

export function offersOfTree(
	tree: TreeSnapshot,
	contributor: Contributor,
	config: TreeManagerConfig
): TreeTaskOffer[] {
	switch (tree.state) {
		case 'initial_prompt_review':
			return labelOffers(tree, [rootOf(tree)], contributor, config);
		case 'growing':
			return [
				...labelOffers(
					tree,
					tree.messages.filter((m) => m.parentId !== null),
					contributor,
					config
				),
				...replyOffers(tree, contributor, config),
				...sampleOffers(tree, contributor, config)
			];
		case 'ranking':
			return rankOffers(tree, contributor, config);
		default:
			return [];
	}
}

/**
 * What skipping a task (its type and target, as in `TaskOffer`) changes: the work is never offered to that contributor again (record
 * `offerKey` among their skips), and a skipped reply counts against its parent message, whose
 * `replySkips` halt the tree at the configured number.
 */
export function skipOutcome(
	type: TreeTaskType,
	targetId: string
): { offerKey: string; replySkipOn: string | null } {
	const kind = workKindOf(type);
	return { offerKey: offerKey(kind, targetId), replySkipOn: kind === 'reply' ? targetId : null };
}

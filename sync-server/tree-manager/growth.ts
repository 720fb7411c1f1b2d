// How big a tree is and where it may still grow: OpenAssistant's limits on depth, replies per
// message and tree size, and the sibling sets that need ranking once it stopped growing.
import type { MessageRole } from '../../src/lib/protocol/trees';
import type { TreeManagerConfig } from './config';
import { offerKey } from './offer-key';
import { childrenOf, depthOf, type TreeMessage, type TreeSnapshot } from './snapshot';

/** A message that counts: not deleted and not rejected (accepted, or still in review). */
export function isLive(message: TreeMessage): boolean {
	return !message.deleted && message.reviewResult !== false;
}

export function isAccepted(message: TreeMessage): boolean {
	return !message.deleted && message.reviewResult === true;
}

export function liveChildren(tree: TreeSnapshot, parentId: string): TreeMessage[] {
	return childrenOf(tree, parentId).filter(isLive);
}

/** Replies a message of this role wants: 3 assistant answers to a prompter, 1 follow-up. */
export function maxRepliesTo(role: MessageRole, config: TreeManagerConfig): number {
	return role === 'prompter' ? config.growth.maxAssistantReplies : config.growth.maxPrompterReplies;
}

/** Model samples a prompter message may have among its assistant replies (see `sampling`). */
export function maxSamplesPer(config: TreeManagerConfig): number {
	return Math.floor(config.sampling.maxSyntheticShare * config.growth.maxAssistantReplies);
}

/** Model samples the message still has room for. */
export function sampleRoom(
	tree: TreeSnapshot,
	parentId: string,
	config: TreeManagerConfig
): number {
	const samples = liveChildren(tree, parentId).filter((m) => m.synthetic).length;
	return Math.max(0, maxSamplesPer(config) - samples);
}

/** Live messages: what counts towards the goal size. */
export function treeSize(tree: TreeSnapshot): number {
	return tree.messages.filter(isLive).length;
}

/** Messages not deleted whose review is still open. */
export function awaitingReview(tree: TreeSnapshot): TreeMessage[] {
	return tree.messages.filter((m) => !m.deleted && m.reviewResult === null);
}

export interface ExtendibleParent {
	parent: TreeMessage;
	liveChildren: number;
	/** Reply leases others hold on it. */
	leased: number;
}

/**
 * Accepted messages above the depth limit with fewer live replies than their role wants.
 * With `countLeases`, replies promised by unexpired leases fill slots too (what can still be
 * offered); without, only written replies do (whether the tree can grow at all).
 */
export function extendibleParents(
	tree: TreeSnapshot,
	config: TreeManagerConfig,
	{ countLeases }: { countLeases: boolean }
): ExtendibleParent[] {
	const out: ExtendibleParent[] = [];
	for (const parent of tree.messages) {
		if (!isAccepted(parent) || depthOf(tree, parent.id) + 1 >= config.growth.maxDepth) continue;
		const live = liveChildren(tree, parent.id).length;
		const leased = countLeases ? (tree.leased[offerKey('reply', parent.id)] ?? 0) : 0;
		if (live + leased < maxRepliesTo(parent.role, config)) {
			out.push({ parent, liveChildren: live, leased });
		}
	}
	return out;
}

/** Reply leases held on the whole tree: replies that may still arrive. */
export function leasedReplies(tree: TreeSnapshot): number {
	return tree.messages.reduce((sum, m) => sum + (tree.leased[offerKey('reply', m.id)] ?? 0), 0);
}

/**
 * Whether a growing tree is done growing: it reached its goal size (or nowhere is left to
 * grow, which only happens when limits are shrunk) and no message awaits review.
 */
export function isGrowthComplete(tree: TreeSnapshot, config: TreeManagerConfig): boolean {
	if (awaitingReview(tree).length > 0) return false;
	return (
		treeSize(tree) >= tree.goalSize ||
		extendibleParents(tree, config, { countLeases: false }).length === 0
	);
}

export interface SiblingSet {
	parentId: string;
	role: MessageRole;
	/** Accepted, undeleted replies of the parent. */
	memberIds: string[];
	/** Per member: rankings (including "not rankable" answers) that showed it. */
	rankingCounts: Map<string, number>;
}

/** Parents with two or more accepted replies: what the ranking phase orders. */
export function siblingSets(tree: TreeSnapshot, config: TreeManagerConfig): SiblingSet[] {
	const sets: SiblingSet[] = [];
	for (const parent of tree.messages) {
		if (parent.deleted) continue;
		const members = childrenOf(tree, parent.id).filter(isAccepted);
		if (members.length < 2) continue;
		const role = members[0].role;
		if (role === 'prompter' && !config.ranking.rankPrompterReplies) continue;
		const rankingCounts = new Map(members.map((m) => [m.id, 0]));
		for (const ranking of tree.rankings) {
			if (ranking.parentId !== parent.id) continue;
			for (const id of ranking.shownIds) {
				const seen = rankingCounts.get(id);
				if (seen !== undefined) rankingCounts.set(id, seen + 1);
			}
		}
		sets.push({ parentId: parent.id, role, memberIds: members.map((m) => m.id), rankingCounts });
	}
	return sets;
}

/** The fewest rankings any member of the set appeared in. */
export function minRankingCount(set: SiblingSet): number {
	return Math.min(...set.rankingCounts.values());
}

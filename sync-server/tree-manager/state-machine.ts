// The tree state machine. `settleTree` is called after anything changed a tree (a reply, a
// review, a ranking, a flag, a skip): it applies every automatic consequence until the tree is
// stable and lists them as changes for the caller to write in the same transaction.
// Transitions that need a decision from outside — the prompt lottery, a moderator, backlog
// activation — are separate functions, each followed by settling.
import type { TreeState } from '../../src/lib/protocol/trees';
import { siblingConsensus } from '../consensus/sibling-ranking';
import type { TreeManagerConfig } from './config';
import { isGrowthComplete, minRankingCount, siblingSets } from './growth';
import { dueModeration } from './moderation';
import { decideReview } from './review';
import { childrenOf, reviewsOf, rootOf, type TreeMessage, type TreeSnapshot } from './snapshot';

export interface ScoredSiblingSet {
	parentId: string;
	/** Rank per sibling (0 is best); null for those outside the consensus. */
	ranks: { messageId: string; rank: number | null }[];
	usableRankings: number;
	notRankable: number;
	/** Kendall τ of each contributor's ranking against the consensus. */
	agreement: { userId: string; tau: number | null }[];
}

export type TreeChange =
	| { kind: 'review'; messageId: string; result: boolean; score: number }
	| { kind: 'delete'; messageIds: string[]; reason: string }
	| {
			kind: 'state';
			from: TreeState;
			to: TreeState;
			reason: string;
			/** Set when the tree wins the prompt lottery for the first time. */
			wonLotteryAt?: number;
	  }
	| { kind: 'scored'; sets: ScoredSiblingSet[] };

export interface Settlement {
	tree: TreeSnapshot;
	/** In the order they happened; the caller persists all of them or none. */
	changes: TreeChange[];
}

const allowedTransitions: Readonly<Record<TreeState, readonly TreeState[]>> = {
	initial_prompt_review: ['prompt_lottery_waiting', 'aborted_low_grade', 'halted_by_moderator'],
	prompt_lottery_waiting: ['growing', 'halted_by_moderator'],
	growing: ['ranking', 'aborted_low_grade', 'halted_by_moderator'],
	ranking: ['ready_for_scoring', 'halted_by_moderator'],
	ready_for_scoring: ['ready_for_export', 'scoring_failed', 'halted_by_moderator'],
	ready_for_export: ['halted_by_moderator'],
	// Corrupt rankings (which no submission can produce) stop a tree here; once they are
	// repaired, a moderator halts and restarts it, and it is ranked and scored like any tree.
	scoring_failed: ['halted_by_moderator'],
	backlog_ranking: ['ranking', 'aborted_low_grade', 'halted_by_moderator'],
	aborted_low_grade: ['initial_prompt_review', 'growing'],
	halted_by_moderator: ['initial_prompt_review', 'growing']
};

export function canTransition(from: TreeState, to: TreeState): boolean {
	return allowedTransitions[from].includes(to);
}

export class TreeTransitionError extends Error {
	constructor(
		readonly treeId: string,
		readonly from: TreeState,
		readonly to: TreeState
	) {
		super(`tree ${treeId} cannot go from ${from} to ${to}`);
		this.name = 'TreeTransitionError';
	}
}

export function applyChange(tree: TreeSnapshot, change: TreeChange): TreeSnapshot {
	const patchMessages = (patch: (m: TreeMessage) => TreeMessage) => ({
		...tree,
		messages: tree.messages.map(patch)
	});
	switch (change.kind) {
		case 'review':
			return patchMessages((m) =>
				m.id === change.messageId ? { ...m, reviewResult: change.result } : m
			);
		case 'delete': {
			const ids = new Set(change.messageIds);
			return patchMessages((m) => (ids.has(m.id) ? { ...m, deleted: true } : m));
		}
		case 'state':
			if (!canTransition(change.from, change.to) || tree.state !== change.from) {
				throw new TreeTransitionError(tree.id, tree.state, change.to);
			}
			return {
				...tree,
				state: change.to,
				wonLotteryAt: change.wonLotteryAt ?? tree.wonLotteryAt
			};
		case 'scored': {
			const rankOf = new Map(
				change.sets.flatMap((set) => set.ranks.map((r) => [r.messageId, r.rank] as const))
			);
			return patchMessages((m) => (rankOf.has(m.id) ? { ...m, rank: rankOf.get(m.id)! } : m));
		}
	}
}

export type StateChange = Extract<TreeChange, { kind: 'state' }>;

function stateChange(tree: TreeSnapshot, to: TreeState, reason: string): StateChange {
	return { kind: 'state', from: tree.state, to, reason };
}

function moderationChanges(tree: TreeSnapshot, config: TreeManagerConfig): TreeChange[] {
	const action = dueModeration(tree, config);
	if (!action) return [];
	switch (action.kind) {
		case 'abort':
			return [stateChange(tree, 'aborted_low_grade', action.reason)];
		case 'delete':
			return [{ kind: 'delete', messageIds: action.messageIds, reason: action.reason }];
		case 'halt':
			return [stateChange(tree, 'halted_by_moderator', action.reason)];
	}
}

function reviewChanges(
	tree: TreeSnapshot,
	candidates: TreeMessage[],
	config: TreeManagerConfig
): TreeChange[] {
	return candidates.flatMap((m) => {
		if (m.deleted) return [];
		const decision = decideReview(m.reviewResult, reviewsOf(tree, m.id), config);
		return decision ? [{ kind: 'review' as const, messageId: m.id, ...decision }] : [];
	});
}

/**
 * Rankings naming a reply that is not a child of the ranked parent, or one reply twice, mean
 * corrupt data (checkRanking lets neither through).
 */
function corruptRanking(tree: TreeSnapshot): string | null {
	for (const ranking of tree.rankings) {
		if (ranking.ranking && new Set(ranking.ranking).size !== ranking.ranking.length) {
			return `a ranking by ${ranking.userId} of replies to ${ranking.parentId} names a reply twice`;
		}
		const children = new Set(childrenOf(tree, ranking.parentId).map((m) => m.id));
		const stray = [...ranking.shownIds, ...(ranking.ranking ?? [])].find((id) => !children.has(id));
		if (stray !== undefined) {
			return `a ranking by ${ranking.userId} of replies to ${ranking.parentId} names ${stray}, which is not one of them`;
		}
	}
	return null;
}

function scoringChanges(tree: TreeSnapshot, config: TreeManagerConfig): TreeChange[] {
	const corrupt = corruptRanking(tree);
	if (corrupt) return [stateChange(tree, 'scoring_failed', corrupt)];
	const sets = siblingSets(tree, config).map((set): ScoredSiblingSet => {
		const submitted = tree.rankings.filter((r) => r.parentId === set.parentId);
		const consensus = siblingConsensus(set.memberIds, submitted);
		return {
			parentId: set.parentId,
			ranks: [...consensus.ranks].map(([messageId, rank]) => ({ messageId, rank })),
			usableRankings: consensus.usableRankings,
			notRankable: consensus.notRankable,
			agreement: consensus.agreement
		};
	});
	return [
		{ kind: 'scored', sets },
		stateChange(tree, 'ready_for_export', `${sets.length} sibling sets scored`)
	];
}

// The automatic consequences due in the tree's current state, applied together.
function dueChanges(tree: TreeSnapshot, config: TreeManagerConfig): TreeChange[] {
	switch (tree.state) {
		case 'initial_prompt_review': {
			const moderation = moderationChanges(tree, config);
			if (moderation.length > 0) return moderation;
			const root = rootOf(tree);
			if (root.deleted) return [stateChange(tree, 'halted_by_moderator', 'initial prompt deleted')];
			const review = reviewChanges(tree, [root], config);
			if (review.length > 0) return review;
			if (root.reviewResult === true) {
				return [stateChange(tree, 'prompt_lottery_waiting', 'initial prompt accepted')];
			}
			if (root.reviewResult === false) {
				return [stateChange(tree, 'aborted_low_grade', 'initial prompt rejected by review')];
			}
			return [];
		}
		case 'growing': {
			const moderation = moderationChanges(tree, config);
			if (moderation.length > 0) return moderation;
			if (rootOf(tree).deleted) {
				return [stateChange(tree, 'halted_by_moderator', 'initial prompt deleted')];
			}
			const review = reviewChanges(
				tree,
				tree.messages.filter((m) => m.parentId !== null),
				config
			);
			if (review.length > 0) return review;
			return isGrowthComplete(tree, config)
				? [stateChange(tree, 'ranking', 'tree reached its size and every message was reviewed')]
				: [];
		}
		case 'ranking': {
			const incomplete = siblingSets(tree, config).some(
				(set) => minRankingCount(set) < config.ranking.requiredRankings
			);
			return incomplete
				? []
				: [stateChange(tree, 'ready_for_scoring', 'every sibling set has its rankings')];
		}
		case 'ready_for_scoring':
			return scoringChanges(tree, config);
		default:
			// Waiting for the lottery, the backlog, a moderator, or done.
			return [];
	}
}

/** A new tree for an initial prompt just written: it starts in review. */
export function newTree(
	prompt: Pick<TreeMessage, 'id' | 'authorId' | 'text' | 'lang' | 'createdAt'>,
	config: TreeManagerConfig
): TreeSnapshot {
	return {
		id: prompt.id,
		lang: prompt.lang,
		state: 'initial_prompt_review',
		goalSize: config.growth.goalTreeSize,
		wonLotteryAt: null,
		messages: [
			{
				...prompt,
				parentId: null,
				role: 'prompter',
				reviewResult: null,
				deleted: false,
				redFlags: 0,
				replySkips: 0,
				rank: null
			}
		],
		reviews: [],
		rankings: [],
		leased: {}
	};
}

/** Applies every automatic consequence until the tree is stable. */
export function settleTree(tree: TreeSnapshot, config: TreeManagerConfig): Settlement {
	const changes: TreeChange[] = [];
	// Each round changes a review, deletes messages or moves the state forward, so a tree of
	// n messages settles in fewer than 2n + 10 rounds; more means a bug, not a big tree.
	for (let round = 0; round < 2 * tree.messages.length + 10; round++) {
		const due = dueChanges(tree, config);
		if (due.length === 0) return { tree, changes };
		for (const change of due) tree = applyChange(tree, change);
		changes.push(...due);
	}
	throw new Error(`tree ${tree.id} did not settle (state ${tree.state})`);
}

function enter(
	tree: TreeSnapshot,
	to: TreeState,
	reason: string,
	config: TreeManagerConfig,
	wonLotteryAt?: number
): Settlement {
	const change = {
		...stateChange(tree, to, reason),
		...(wonLotteryAt === undefined ? {} : { wonLotteryAt })
	};
	const settled = settleTree(applyChange(tree, change), config);
	return { tree: settled.tree, changes: [change, ...settled.changes] };
}

/** A waiting prompt won the lottery: its tree starts growing. */
export function winLottery(tree: TreeSnapshot, now: number, config: TreeManagerConfig): Settlement {
	return enter(tree, 'growing', 'won the prompt lottery', config, tree.wonLotteryAt ?? now);
}

/** A moderator stops a tree; nothing more is offered for it. */
export function haltTree(tree: TreeSnapshot, reason: string): Settlement {
	if (tree.state === 'halted_by_moderator') return { tree, changes: [] };
	const change = stateChange(tree, 'halted_by_moderator', reason);
	return { tree: applyChange(tree, change), changes: [change] };
}

/**
 * A moderator restarts a halted or aborted tree where it left off: growing if it had won the
 * lottery, otherwise back in initial-prompt review; settling then moves it on as far as its
 * messages allow (to ranking and beyond if it was complete).
 */
export function restartTree(tree: TreeSnapshot, config: TreeManagerConfig): Settlement {
	if (tree.state !== 'halted_by_moderator' && tree.state !== 'aborted_low_grade') {
		throw new TreeTransitionError(tree.id, tree.state, 'growing');
	}
	return tree.wonLotteryAt !== null
		? enter(tree, 'growing', 'restarted by a moderator', config)
		: enter(tree, 'initial_prompt_review', 'restarted by a moderator', config);
}

/** An imported tree leaves the backlog: ranked if it has sibling sets, else abandoned. */
export function activateBacklogTree(tree: TreeSnapshot, config: TreeManagerConfig): Settlement {
	return siblingSets(tree, config).length > 0
		? enter(tree, 'ranking', 'activated from the backlog', config)
		: enter(tree, 'aborted_low_grade', 'backlog tree has nothing to rank', config);
}

import { describe, expect, it } from 'vitest';
import { defaultTreeManagerConfig as config } from '../../../sync-server/tree-manager/config';
import {
	activateBacklogTree,
	applyChange,
	haltTree,
	restartTree,
	settleTree,
	TreeTransitionError,
	winLottery
} from '../../../sync-server/tree-manager/state-machine';
import { message, tree, withRanking, withReply, withReview } from './fixtures';

const states = (changes: { kind: string; to?: string }[]) =>
	changes.filter((c) => c.kind === 'state').map((c) => c.to);

describe('initial prompt review', () => {
	const fresh = tree('initial_prompt_review', {
		messages: [message({ id: 'root', authorId: 'ann', reviewResult: null })]
	});

	it('waits for three reviews, then sends an accepted prompt to the lottery', () => {
		const two = withReview(withReview(fresh, 'root', 'r1'), 'root', 'r2');
		expect(settleTree(two, config).changes).toEqual([]);
		const { tree: settled, changes } = settleTree(withReview(two, 'root', 'r3'), config);
		expect(changes[0]).toMatchObject({ kind: 'review', messageId: 'root', result: true, score: 1 });
		expect(states(changes)).toEqual(['prompt_lottery_waiting']);
		expect(settled.messages[0].reviewResult).toBe(true);
	});

	it('aborts a tree whose prompt is rejected', () => {
		let t = fresh;
		for (const r of ['r1', 'r2', 'r3']) t = withReview(t, 'root', r, { spam: 1 });
		const { tree: settled, changes } = settleTree(t, config);
		expect(states(changes)).toEqual(['aborted_low_grade']);
		expect(settled.messages[0].reviewResult).toBe(false);
	});

	it('starts growing when the lottery draws it, remembering the first win', () => {
		const waiting = tree('prompt_lottery_waiting', { wonLotteryAt: null });
		const { tree: growing, changes } = winLottery(waiting, 5000, config);
		expect(changes).toEqual([
			{
				kind: 'state',
				from: 'prompt_lottery_waiting',
				to: 'growing',
				reason: 'won the prompt lottery',
				wonLotteryAt: 5000
			}
		]);
		expect(growing.wonLotteryAt).toBe(5000);
	});
});

describe('growing', () => {
	it('reviews replies, and rejected ones stop counting towards the goal', () => {
		let t = {
			...withReply(tree('growing'), 'root', 'a1', 'u1', { reviewResult: null }),
			goalSize: 2
		};
		for (const r of ['r1', 'r2', 'r3']) t = withReview(t, 'a1', r, { spam: 1 });
		const rejected = settleTree(t, config);
		expect(rejected.changes).toEqual([
			{ kind: 'review', messageId: 'a1', result: false, score: 0 }
		]);
		expect(rejected.tree.state).toBe('growing');
		const accepted = settleTree(withReply(rejected.tree, 'root', 'a2', 'u2'), config);
		// With a single live reply there is no sibling set, so nothing to rank or score either.
		expect(states(accepted.changes)).toEqual(['ranking', 'ready_for_scoring', 'ready_for_export']);
	});

	it('moves to ranking when nowhere is left to grow, even below the goal size', () => {
		const t = { ...withReply(tree('growing'), 'root', 'a1', 'u1'), goalSize: 50 };
		const tight = { ...config, growth: { ...config.growth, maxDepth: 2, maxAssistantReplies: 1 } };
		expect(states(settleTree(t, tight).changes)).toEqual([
			'ranking',
			'ready_for_scoring',
			'ready_for_export'
		]);
		expect(settleTree(t, config).changes).toEqual([]);
	});

	it('halts a tree whose initial prompt was deleted', () => {
		const t = tree('growing', {
			messages: [message({ id: 'root', authorId: 'ann', deleted: true })]
		});
		expect(states(settleTree(t, config).changes)).toEqual(['halted_by_moderator']);
	});
});

describe('auto-moderation', () => {
	const grown = withReply(
		withReply(withReply(tree('growing'), 'root', 'a1', 'u1'), 'a1', 'p1', 'u2'),
		'p1',
		'a2',
		'u3'
	);

	it('deletes a reply with 4 red flags and everything below it', () => {
		const flagged = {
			...grown,
			messages: grown.messages.map((m) => (m.id === 'a1' ? { ...m, redFlags: 4 } : m))
		};
		const { tree: settled, changes } = settleTree(flagged, config);
		expect(changes[0]).toEqual({
			kind: 'delete',
			messageIds: ['a1', 'p1', 'a2'],
			reason: '4 red flags on message a1'
		});
		expect(settled.messages.filter((m) => m.deleted).map((m) => m.id)).toEqual(['a1', 'p1', 'a2']);
	});

	it('leaves a reply with 3 red flags alone', () => {
		const flagged = {
			...grown,
			messages: grown.messages.map((m) => (m.id === 'a1' ? { ...m, redFlags: 3 } : m))
		};
		expect(settleTree(flagged, config).changes).toEqual([]);
	});

	it('aborts the tree of a red-flagged initial prompt', () => {
		const flagged = {
			...grown,
			messages: grown.messages.map((m) => (m.id === 'root' ? { ...m, redFlags: 4 } : m))
		};
		expect(states(settleTree(flagged, config).changes)).toEqual(['aborted_low_grade']);
	});

	it('halts a tree after 25 skips of replying to one message', () => {
		const skipped = (n: number) => ({
			...grown,
			messages: grown.messages.map((m) => (m.id === 'p1' ? { ...m, replySkips: n } : m))
		});
		expect(settleTree(skipped(24), config).changes).toEqual([]);
		expect(states(settleTree(skipped(25), config).changes)).toEqual(['halted_by_moderator']);
	});

	it('does not act on trees past growing', () => {
		const ranking = withReply(grown, 'root', 'a1b', 'u4');
		const flagged = {
			...ranking,
			state: 'ranking' as const,
			messages: ranking.messages.map((m) => ({ ...m, redFlags: 9, replySkips: 99 }))
		};
		expect(settleTree(flagged, config).changes).toEqual([]);
	});
});

describe('ranking and scoring', () => {
	let siblings = withReply(
		withReply(withReply(tree('ranking'), 'root', 'a1', 'u1'), 'root', 'a2', 'u2'),
		'root',
		'a3',
		'u3'
	);
	siblings = withReply(siblings, 'a1', 'p1', 'u4');

	it('scores once every member appeared in 3 rankings, and awards 9/3/1', () => {
		let t = withRanking(siblings, 'root', 'v1', ['a2', 'a1', 'a3']);
		t = withRanking(t, 'root', 'v2', null, ['a3', 'a1', 'a2']);
		expect(settleTree(t, config).changes).toEqual([]);
		t = withRanking(t, 'root', 'v3', ['a2', 'a3', 'a1']);
		const { tree: scored, changes } = settleTree(t, config);
		expect(states(changes)).toEqual(['ready_for_scoring', 'ready_for_export']);
		const scoredChange = changes.find((c) => c.kind === 'scored');
		expect(scoredChange).toEqual({
			kind: 'scored',
			sets: [
				{
					parentId: 'root',
					ranks: [
						{ messageId: 'a1', rank: 1 },
						{ messageId: 'a2', rank: 0 },
						{ messageId: 'a3', rank: 2 }
					],
					usableRankings: 2,
					notRankable: 1,
					agreement: [
						{ userId: 'v1', tau: 1 },
						{ userId: 'v3', tau: expect.closeTo(1 / 3, 12) }
					]
				}
			]
		});
		expect(scored.messages.find((m) => m.id === 'a2')!.rank).toBe(0);
	});

	it('fails scoring on a ranking that names a reply of another message', () => {
		const t = withRanking({ ...siblings, state: 'ready_for_scoring' }, 'root', 'v1', [
			'a1',
			'p1',
			'a2',
			'a3'
		]);
		const failed = settleTree(t, config);
		expect(states(failed.changes)).toEqual(['scoring_failed']);
		const twice = withRanking({ ...siblings, state: 'ready_for_scoring' }, 'root', 'v1', [
			'a1',
			'a2',
			'a1'
		]);
		expect(settleTree(twice, config).changes).toEqual([
			{
				kind: 'state',
				from: 'ready_for_scoring',
				to: 'scoring_failed',
				reason: 'a ranking by v1 of replies to root names a reply twice'
			}
		]);
		// Repaired, a moderator halts and restarts it: a full tree goes straight back to ranking.
		const repaired = { ...failed.tree, rankings: [], goalSize: 2 };
		const halted = haltTree(repaired, 'repairing its rankings');
		expect(states(restartTree(halted.tree, config).changes)).toEqual(['growing', 'ranking']);
	});
});

describe('moderator and backlog transitions', () => {
	it('halts and restarts a tree where it left off', () => {
		const grown = withReply(tree('growing', { goalSize: 2 }), 'root', 'a1', 'u1', {
			reviewResult: null
		});
		const halted = haltTree(grown, 'spam wave');
		expect(halted.tree.state).toBe('halted_by_moderator');
		expect(haltTree(halted.tree, 'again').changes).toEqual([]);
		expect(states(restartTree(halted.tree, config).changes)).toEqual(['growing']);
		const reviewed = {
			...halted.tree,
			messages: halted.tree.messages.map((m) => ({ ...m, reviewResult: true }))
		};
		expect(states(restartTree(reviewed, config).changes)).toEqual([
			'growing',
			'ranking',
			'ready_for_scoring',
			'ready_for_export'
		]);
		const neverWon = {
			...halted.tree,
			wonLotteryAt: null,
			messages: [message({ id: 'root', authorId: 'ann', reviewResult: null })]
		};
		expect(states(restartTree(neverWon, config).changes)).toEqual(['initial_prompt_review']);
		expect(() => restartTree(grown, config)).toThrow(TreeTransitionError);
	});

	it('activates an imported tree into ranking, or abandons it with nothing to rank', () => {
		const backlog = withReply(
			withReply(tree('backlog_ranking'), 'root', 'a1', 'u1'),
			'root',
			'a2',
			'u2'
		);
		expect(states(activateBacklogTree(backlog, config).changes)).toEqual(['ranking']);
		expect(states(activateBacklogTree(tree('backlog_ranking'), config).changes)).toEqual([
			'aborted_low_grade'
		]);
	});

	it('refuses a transition the state machine does not have', () => {
		expect(() =>
			applyChange(tree('growing'), {
				kind: 'state',
				from: 'growing',
				to: 'ready_for_export',
				reason: 'skip ahead'
			})
		).toThrow('tree root cannot go from growing to ready_for_export');
	});
});

import { describe, expect, it } from 'vitest';
import { taskTypes } from '../../../src/lib/protocol/tasks';
import { treeStates } from '../../../src/lib/protocol/trees';
import {
	defaultTreeManagerConfig,
	resolveTreeManagerConfig,
	type TreeManagerConfig
} from '../../../sync-server/tree-manager/config';
import { buildDemoData } from '../../../sync-server/tree-manager/demo-trees';
import { chooseTaskBatch } from '../../../sync-server/tree-manager/task-choice';
import { offersOfTree } from '../../../sync-server/tree-manager/offers';
import { seededRandom } from '../../../src/lib/shared/random';
import { depthOf, rootOf } from '../../../sync-server/tree-manager/snapshot';
import { settleTree } from '../../../sync-server/tree-manager/state-machine';
import { generateTrees } from '../../../training/seed/generate';

const NOW = Date.parse('2026-04-01T12:00:00Z');

function build(config: TreeManagerConfig = defaultTreeManagerConfig) {
	let n = 0;
	return buildDemoData(generateTrees(40, 2026), config, {
		now: NOW,
		newId: () => `m${String(++n).padStart(4, '0')}`
	});
}

const newcomer = { userId: 'newcomer', skipped: new Set<string>(), leased: new Set<string>() };

describe('demo trees', () => {
	it('has a tree in every state the tree manager has, each as settling leaves it', () => {
		const { trees } = build();
		expect(new Set(trees.map((t) => t.tree.state))).toEqual(new Set(treeStates));
		for (const { tree, history } of trees) {
			expect(history.at(-1)!.to).toBe(tree.state);
			expect(history.map((e) => e.at)).toEqual([...history.map((e) => e.at)].sort());
			if (tree.state === 'ready_for_scoring') {
				// Settling would score it now: that is what the state is waiting for.
				expect(settleTree(tree, defaultTreeManagerConfig).tree.state).toBe('ready_for_export');
			} else {
				expect(settleTree(tree, defaultTreeManagerConfig).changes).toEqual([]);
			}
		}
	});

	it('offers a newcomer every kind of task, new prompts aside', () => {
		const { trees } = build();
		const offered = new Set(
			trees.flatMap((t) =>
				offersOfTree(t.tree, newcomer, defaultTreeManagerConfig).map((o) => o.type)
			)
		);
		expect([...offered].sort()).toEqual(taskTypes.filter((t) => t !== 'initial_prompt').sort());
		// A random batch of 20 is a mix, not one kind.
		const batch = chooseTaskBatch({
			trees: trees.map((t) => t.tree),
			contributor: newcomer,
			request: 'random',
			lang: 'en',
			count: 20,
			initialPrompts: 100,
			random: seededRandom(1),
			config: defaultTreeManagerConfig
		});
		expect(new Set(batch.map((o) => o.type)).size).toBeGreaterThanOrEqual(4);
	});

	it('is written by demo accounts who never review or rank their own messages', () => {
		const { users, trees } = build();
		const ids = new Set(users.map((u) => u.id));
		expect(users.every((u) => u.id.startsWith('demo-') && u.displayName.endsWith('(demo)'))).toBe(
			true
		);
		for (const { tree } of trees) {
			const authorOf = new Map(tree.messages.map((m) => [m.id, m.authorId]));
			for (const m of tree.messages) expect(ids.has(m.authorId)).toBe(true);
			for (const r of tree.reviews) {
				expect(ids.has(r.reviewerId)).toBe(true);
				expect(r.reviewerId).not.toBe(authorOf.get(r.messageId));
			}
			for (const r of tree.rankings) {
				expect(r.shownIds.map((id) => authorOf.get(id))).not.toContain(r.userId);
			}
			const reviewers = tree.reviews.map((r) => `${r.messageId}/${r.reviewerId}`);
			expect(new Set(reviewers).size).toBe(reviewers.length);
			expect(rootOf(tree).id).toBe(tree.id);
			expect(tree.messages.every((m) => m.createdAt < NOW)).toBe(true);
		}
	});

	it('fits a small configuration: depth, replies per message, reviews and rankings', () => {
		const config = resolveTreeManagerConfig({
			review: { requiredReviews: 2 },
			growth: { maxDepth: 3, maxAssistantReplies: 2, goalTreeSize: 4 },
			ranking: { requiredRankings: 2 }
		});
		const { trees } = build(config);
		for (const { tree } of trees) {
			for (const m of tree.messages) expect(depthOf(tree, m.id)).toBeLessThan(3);
			const answers = tree.messages.filter((m) => m.parentId === tree.id);
			expect(answers.length).toBeLessThanOrEqual(2);
			if (tree.state === 'ready_for_scoring') continue;
			expect(settleTree(tree, config).changes).toEqual([]);
		}
		const offered = new Set(
			trees.flatMap((t) => offersOfTree(t.tree, newcomer, config).map((o) => o.type))
		);
		expect(offered.size).toBe(taskTypes.length - 1);
	});
});

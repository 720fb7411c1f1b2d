import { describe, expect, it } from 'vitest';
import { taskSchema } from '../../../src/lib/protocol/tasks';
import { buildTask, chooseLabelForm } from '../../../sync-server/tree-manager/build-task';
import { defaultTreeManagerConfig as config } from '../../../sync-server/tree-manager/config';
import { offerKey, workKindOf } from '../../../sync-server/tree-manager/offer-key';
import type { TaskOffer, TreeTaskOffer } from '../../../sync-server/tree-manager/offers';
import { seededRandom } from '../../../src/lib/shared/random';
import {
	categoryOf,
	chooseOffer,
	chooseTaskBatch
} from '../../../sync-server/tree-manager/task-choice';
import { tree, withReply } from './fixtures';

const offer = (type: TreeTaskOffer['type'], targetId: string, loneReply = false): TaskOffer => ({
	type,
	lang: 'en',
	treeId: 'root',
	targetId,
	loneReply
});

function tally(draw: () => TaskOffer | null, n: number): Map<string, number> {
	const counts = new Map<string, number>();
	for (let i = 0; i < n; i++) {
		const o = draw();
		const key = o === null ? 'none' : 'targetId' in o ? `${o.type}:${o.targetId}` : o.type;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return counts;
}

describe('weighted random task choice', () => {
	const offers: TaskOffer[] = [
		offer('rank_assistant_replies', 'p'),
		offer('label_assistant_reply', 'a'),
		offer('label_initial_prompt', 'root'),
		offer('assistant_reply', 'q'),
		{ type: 'initial_prompt', lang: 'en' }
	];

	it('draws categories in proportion 10 : 5 : 5 : 2 : 0.01', () => {
		const random = seededRandom(7);
		const n = 20_000;
		const counts = tally(() => chooseOffer(offers, 'random', random, config), n);
		const total = 22.01;
		const expectNear = (key: string, weight: number) => {
			const expected = (n * weight) / total;
			expect(counts.get(key) ?? 0).toBeGreaterThan(expected * 0.9);
			expect(counts.get(key) ?? 0).toBeLessThan(expected * 1.1);
		};
		expectNear('rank_assistant_replies:p', 10);
		expectNear('label_assistant_reply:a', 5);
		expectNear('label_initial_prompt:root', 5);
		expectNear('assistant_reply:q', 2);
		// About 9 expected; a wide band, but never zero and never common.
		expect(counts.get('initial_prompt')).toBeGreaterThanOrEqual(1);
		expect(counts.get('initial_prompt')).toBeLessThan(30);
	});

	it('picks uniformly within a category', () => {
		const random = seededRandom(11);
		const labels = [offer('label_prompter_reply', 'x'), offer('label_assistant_reply', 'y')];
		const counts = tally(() => chooseOffer(labels, 'random', random, config), 10_000);
		expect(counts.get('label_prompter_reply:x')).toBeGreaterThan(4500);
		expect(counts.get('label_assistant_reply:y')).toBeGreaterThan(4500);
		expect(categoryOf('label_prompter_reply')).toBe(categoryOf('label_assistant_reply'));
	});

	it('gives a lone assistant reply a sibling with probability 0.75 first', () => {
		const random = seededRandom(3);
		const replies = [
			offer('assistant_reply', 'lone', true),
			offer('assistant_reply', 'b'),
			offer('assistant_reply', 'c'),
			offer('assistant_reply', 'd')
		];
		// 0.75 + 0.25 × 1/4 = 0.8125
		const counts = tally(() => chooseOffer(replies, 'assistant_reply', random, config), 20_000);
		expect(counts.get('assistant_reply:lone')).toBeGreaterThan(20_000 * 0.79);
		expect(counts.get('assistant_reply:lone')).toBeLessThan(20_000 * 0.835);
	});

	it('honours a named type and says when nothing fits', () => {
		const random = seededRandom(5);
		expect(chooseOffer(offers, 'label_initial_prompt', random, config)).toEqual(offers[2]);
		expect(chooseOffer(offers, 'rank_prompter_replies', random, config)).toBeNull();
		expect(chooseOffer([], 'random', random, config)).toBeNull();
		const noPrompts = { ...config, taskWeights: { ...config.taskWeights, initialPrompt: 0 } };
		expect(chooseOffer([offers[4]], 'random', random, noPrompts)).toBeNull();
	});
});

describe('lease batches', () => {
	it('never leases the same work twice nor more than a message needs', () => {
		let t = withReply(tree('growing'), 'root', 'a1', 'ann', { reviewResult: null });
		t = withReply(t, 'root', 'a2', 'ben');
		const batch = chooseTaskBatch({
			trees: [t],
			contributor: { userId: 'cat', skipped: new Set(), leased: new Set() },
			request: 'random',
			lang: 'en',
			count: 20,
			initialPrompts: 2,
			random: seededRandom(1),
			config
		});
		const keys = batch.map((o) =>
			'targetId' in o ? offerKey(workKindOf(o.type), o.targetId) : o.type
		);
		expect(keys.filter((k) => k !== 'initial_prompt').sort()).toEqual([
			'label:a1',
			'reply:a2',
			'reply:root'
		]);
		expect(keys.filter((k) => k === 'initial_prompt')).toHaveLength(2);
		// The caller's snapshot is untouched: leases are the server's to record.
		expect(t.leased).toEqual({});
	});

	it('passes over trees in other languages', () => {
		const german = { ...withReply(tree('growing'), 'root', 'a1', 'ann'), lang: 'de' };
		const batch = chooseTaskBatch({
			trees: [german],
			contributor: { userId: 'cat', skipped: new Set(), leased: new Set() },
			request: 'random',
			lang: 'en',
			count: 5,
			initialPrompts: 0,
			random: seededRandom(2),
			config
		});
		expect(batch).toEqual([]);
	});

	it('stops at the requested count', () => {
		const t = withReply(tree('growing'), 'root', 'a1', 'ann');
		const batch = chooseTaskBatch({
			trees: [t],
			contributor: { userId: 'cat', skipped: new Set(), leased: new Set() },
			request: 'random',
			lang: 'en',
			count: 1,
			initialPrompts: 5,
			random: seededRandom(2),
			config
		});
		expect(batch).toHaveLength(1);
	});
});

describe('building tasks', () => {
	let t = withReply(
		withReply(withReply(tree('ranking'), 'root', 'a1', 'ann'), 'root', 'a2', 'ben'),
		'root',
		'a3',
		'cat'
	);
	t = withReply(t, 'a1', 'p1', 'dan', { reviewResult: null });

	it('carries the conversation and shuffled replies for ranking, valid on the wire', () => {
		const task = buildTask(offer('rank_assistant_replies', 'root'), t, {
			taskId: 'task1',
			labelForm: 'full',
			random: seededRandom(9)
		});
		expect(taskSchema.parse(task)).toEqual(task);
		expect(task).toMatchObject({
			type: 'rank_assistant_replies',
			treeId: 'root',
			parentId: 'root'
		});
		if (task.type !== 'rank_assistant_replies') throw new Error('wrong type');
		expect(task.conversation.map((m) => m.id)).toEqual(['root']);
		expect(task.replies.map((r) => r.id).sort()).toEqual(['a1', 'a2', 'a3']);
		const orders = new Set(
			[1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
				(
					buildTask(offer('rank_assistant_replies', 'root'), t, {
						taskId: 'x',
						labelForm: 'full',
						random: seededRandom(seed)
					}) as { replies: { id: string }[] }
				).replies
					.map((r) => r.id)
					.join()
			)
		);
		expect(orders.size).toBeGreaterThan(1);
	});

	it('gives a label task the labels of its form and the conversation down to the message', () => {
		const simple = buildTask(offer('label_prompter_reply', 'p1'), t, {
			taskId: 'task2',
			labelForm: 'simple',
			random: seededRandom(1)
		});
		expect(simple).toMatchObject({
			type: 'label_prompter_reply',
			messageId: 'p1',
			form: 'simple',
			validLabels: ['spam', 'lang_mismatch', 'quality'],
			mandatoryLabels: ['spam']
		});
		expect(taskSchema.parse(simple)).toEqual(simple);
		if (simple.type !== 'label_prompter_reply') throw new Error('wrong type');
		expect(simple.conversation.map((m) => [m.id, m.role])).toEqual([
			['root', 'prompter'],
			['a1', 'assistant'],
			['p1', 'prompter']
		]);
		const full = buildTask(offer('label_assistant_reply', 'a1'), t, {
			taskId: 'task3',
			labelForm: 'full',
			random: seededRandom(1)
		});
		expect(full).toMatchObject({ form: 'full' });
		if (full.type !== 'label_assistant_reply') throw new Error('wrong type');
		expect(full.validLabels).toContain('helpfulness');
		expect(full.validLabels).toContain('fails_task');
	});

	it('builds an initial-prompt task without a tree', () => {
		expect(
			buildTask({ type: 'initial_prompt', lang: 'de' }, null, {
				taskId: 't',
				labelForm: 'full',
				random: Math.random,
				hint: 'Ask about bread'
			})
		).toEqual({
			id: 't',
			lang: 'de',
			type: 'initial_prompt',
			hint: 'Ask about bread'
		});
		expect(() =>
			buildTask(offer('assistant_reply', 'root'), null, {
				taskId: 't',
				labelForm: 'full',
				random: Math.random
			})
		).toThrow(/needs that tree/);
	});

	it('asks for the full form when a label type is named, and by probability otherwise', () => {
		const random = seededRandom(4);
		expect(
			chooseLabelForm(offer('label_prompter_reply', 'p1'), 'label_prompter_reply', random, config)
		).toBe('full');
		let full = 0;
		for (let i = 0; i < 4000; i++) {
			if (chooseLabelForm(offer('label_prompter_reply', 'p1'), 'random', random, config) === 'full')
				full++;
		}
		// p = 0.25 for prompter replies
		expect(full).toBeGreaterThan(4000 * 0.22);
		expect(full).toBeLessThan(4000 * 0.28);
		expect(chooseLabelForm(offer('label_assistant_reply', 'a1'), 'random', random, config)).toBe(
			'full'
		);
	});
});

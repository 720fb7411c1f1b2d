import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDatasets, SEEN_PER_SKILL } from '../../../training/datasets/build';
import { ChatFormat } from '../../../src/lib/shared/chat-format';
import { bestThread, keptPreferences, rankedLists } from '../../../training/datasets/conversations';
import { loadChatFormat } from '../../../training/datasets/load-chat-format';
import type { OasstMessage, OasstTree } from '../../../training/datasets/oasst-tree';
import { readTrees } from '../../../training/datasets/read-trees';
import { validationTrees } from '../../../training/datasets/split';
import { generateTrees } from '../../../training/seed/generate';

const format = loadChatFormat('training/demo-tokenizer');
const options = { seed: 1, valFraction: 0.2, maxLength: 256, maxNewTokens: 48 };

let nextId = 0;
function msg(
	role: 'prompter' | 'assistant',
	text: string,
	rank: number | null,
	replies: OasstMessage[] = []
): OasstMessage {
	const message_id = `m${++nextId}`;
	for (const reply of replies) reply.parent_id = message_id;
	return { message_id, parent_id: null, text, role, rank, replies };
}
function tree(prompt: OasstMessage, origin?: string): OasstTree {
	return { message_tree_id: prompt.message_id, tree_state: 'ready_for_export', prompt, origin };
}

function writeLines(lines: string[]): string {
	const path = join(mkdtempSync(join(tmpdir(), 'hearth-trees-')), 'trees.jsonl');
	writeFileSync(path, lines.join('\n') + '\n');
	return path;
}

describe('reading trees', () => {
	const good = JSON.stringify(generateTrees(1, 3)[0]);

	it('reads valid lines and skips blank ones', () => {
		expect(readTrees(writeLines([good, '', JSON.stringify(generateTrees(2, 4)[1])]))).toHaveLength(
			2
		);
	});

	it('stops at a malformed line with file:line', () => {
		const path = writeLines([good, '{"message_tree_id": "x", "prompt": ']);
		expect(() => readTrees(path)).toThrow(new RegExp(`^${path}:2: not valid JSON`));
	});

	it('names the field whose type is wrong', () => {
		const bad = JSON.parse(good);
		bad.prompt.replies[1].rank = 'first';
		const path = writeLines([
			good.replace(/"message_tree_id":"[^"]+"/, '"message_tree_id":"other"'),
			JSON.stringify(bad)
		]);
		expect(() => readTrees(path)).toThrow(
			`${path}:2: line.prompt.replies[1].rank: Invalid input: expected number, received string`
		);
	});

	it('refuses broken structure: wrong role order, wrong parent, a repeated tree', () => {
		const wrongRole = JSON.parse(good);
		wrongRole.prompt.replies[0].role = 'prompter';
		expect(() => readTrees(writeLines([JSON.stringify(wrongRole)]))).toThrow(
			/:1: message .* role is prompter, expected assistant/
		);
		const wrongParent = JSON.parse(good);
		wrongParent.prompt.replies[0].parent_id = 'elsewhere';
		expect(() => readTrees(writeLines([JSON.stringify(wrongParent)]))).toThrow(
			/:1: message .* parent_id is elsewhere/
		);
		expect(() => readTrees(writeLines([good, good]))).toThrow(
			/:2: tree .* already appeared on line 1/
		);
	});
});

describe('conversations from a tree', () => {
	// Replies listed out of rank order, a deleted best reply on the second turn, a follow-up.
	const followUp = msg('prompter', 'And 2?', null, [
		msg('assistant', 'deleted best', 0),
		msg('assistant', 'Two.', 1),
		msg('assistant', 'three', 2)
	]);
	followUp.replies![0].deleted = true;
	const t = tree(
		msg('prompter', 'Count to 1.', null, [
			msg('assistant', 'won', 2),
			msg('assistant', 'One.', 0, [followUp]),
			msg('assistant', 'one', 1)
		])
	);

	it('follows the best-ranked live reply at every turn', () => {
		expect(bestThread(t).map((m) => m.text)).toEqual(['Count to 1.', 'One.', 'And 2?', 'Two.']);
	});

	it('lists every ranked sibling set best first, with its history', () => {
		const lists = rankedLists(t);
		expect(lists.map((l) => l.replies.map((r) => r.text))).toEqual([
			['One.', 'one', 'won'],
			['Two.', 'three']
		]);
		expect(lists[1].history.map((m) => m.text)).toEqual(['Count to 1.', 'One.', 'And 2?']);
	});

	it('prefers the reply a person kept among regenerated ones until people rank them', () => {
		const kept = msg('assistant', 'Kept.', null);
		kept.emojis = { _kept: 1, '+1': 1 };
		const donated = tree(
			msg('prompter', 'Name a colour.', null, [
				msg('assistant', 'First try.', null),
				kept,
				msg('assistant', 'Third try.', null)
			]),
			'donation'
		);
		expect(bestThread(donated).map((m) => m.text)).toEqual(['Name a colour.', 'Kept.']);
		expect(keptPreferences(donated).map((l) => l.replies.map((r) => r.text))).toEqual([
			['Kept.', 'First try.'],
			['Kept.', 'Third try.']
		]);
		// Once people ranked the set, their order decides and the kept mark adds nothing.
		donated.prompt.replies!.forEach((r, i) => (r.rank = i));
		expect(keptPreferences(donated)).toEqual([]);
		expect(bestThread(donated).map((m) => m.text)).toEqual(['Name a colour.', 'First try.']);
	});

	it('drops a trailing question that has no reply', () => {
		const open = tree(
			msg('prompter', 'Hi', null, [msg('assistant', 'Hello', 0, [msg('prompter', 'Bye', null)])])
		);
		expect(bestThread(open).map((m) => m.text)).toEqual(['Hi', 'Hello']);
	});
});

describe('split by tree', () => {
	const ids = Array.from({ length: 500 }, (_, i) => `tree-${i}`);

	it('holds out the configured share of trees, the same ones every time, whatever the order', () => {
		const held = validationTrees(ids, 9, 0.1);
		expect(held.size).toBe(50);
		expect([...validationTrees([...ids].reverse(), 9, 0.1)].sort()).toEqual([...held].sort());
		expect(validationTrees(ids, 10, 0.1)).not.toEqual(held);
	});

	it('keeps all data of a tree on one side', () => {
		const trees = generateTrees(120, 5);
		const data = buildDatasets(trees, format, options);
		const sides = (rows: { tree_id: string }[]) => new Set(rows.map((r) => r.tree_id));
		const train = new Set([
			...sides(data.sft.train),
			...sides(data.rm.train),
			...sides(data.dpo.train)
		]);
		const val = new Set([
			...sides(data.sft.val),
			...sides(data.rm.val),
			...sides(data.dpo.val),
			...sides(data.eval)
		]);
		expect([...train].filter((id) => val.has(id))).toEqual([]);
		expect(val.size).toBe(24);
		expect(train.size + val.size).toBe(120);
	});
});

describe('dataset rows', () => {
	const trees = generateTrees(60, 11);
	const data = buildDatasets(trees, format, options);

	it('pairs every better reply with every worse one', () => {
		const lists = [...data.rm.train, ...data.rm.val];
		const pairs = lists.reduce((n, l) => n + (l.replies.length * (l.replies.length - 1)) / 2, 0);
		expect(data.dpo.train.length + data.dpo.val.length).toBe(pairs);
		const list = lists.find((l) => l.replies.length === 3)!;
		const fromList = data.dpo.train
			.concat(data.dpo.val)
			.filter((p) => p.prompt_ids === list.prefix_ids);
		expect(
			fromList.map((p) => [
				list.replies.indexOf(p.chosen_ids),
				list.replies.indexOf(p.rejected_ids)
			])
		).toEqual([
			[0, 1],
			[0, 2],
			[1, 2]
		]);
	});

	it('asks held-out questions whose answer is the best reply, as a chat UI would send them', () => {
		expect(data.eval).toHaveLength(data.sft.val.length);
		for (const row of data.eval) {
			const t = trees.find((x) => x.message_tree_id === row.tree_id)!;
			const thread = bestThread(t);
			expect(row.answer).toBe(thread[thread.length - 1].text);
			expect(row.skill).toBe(t.origin!.split('/')[1]);
			expect(row.messages.map((m) => m.role)).toEqual(
				thread.slice(0, -1).map((m) => (m.role === 'prompter' ? 'user' : 'assistant'))
			);
			expect(format.decode(row.prompt_ids).endsWith('<|im_start|>assistant\n')).toBe(true);
			expect(row.prompt_ids).toEqual(format.promptIds(row.messages));
		}
	});

	it('also asks up to SEEN_PER_SKILL questions of each skill from the training trees', () => {
		const held = new Set(data.eval.map((row) => row.tree_id));
		const perSkill = new Map<string, number>();
		for (const row of data.eval_seen) {
			expect(held.has(row.tree_id)).toBe(false);
			expect(data.sft.train.some((sft) => sft.tree_id === row.tree_id)).toBe(true);
			perSkill.set(row.skill, (perSkill.get(row.skill) ?? 0) + 1);
		}
		const trained = new Set(data.sft.train.map((row) => row.tree_id));
		const skills = new Set(
			trees.filter((t) => trained.has(t.message_tree_id)).map((t) => t.origin!.split('/')[1])
		);
		expect([...perSkill.keys()].sort()).toEqual([...skills].sort());
		for (const count of perSkill.values()) expect(count).toBeLessThanOrEqual(SEEN_PER_SKILL);
	});

	it('leaves out what does not fit the context, and says how many', () => {
		const short = buildDatasets(trees, format, { ...options, maxLength: 60 });
		expect(short.too_long.sft).toBeGreaterThan(0);
		for (const row of [...short.sft.train, ...short.sft.val])
			expect(row.input_ids.length).toBeLessThanOrEqual(60);
		expect(short.sft.train.length + short.sft.val.length + short.too_long.sft).toBe(trees.length);
	});

	it('grades only questions whose answer fits the generation budget', () => {
		const tight = buildDatasets(trees, format, { ...options, maxNewTokens: 20 });
		expect(tight.too_long.eval).toBeGreaterThan(0);
		expect(tight.eval.length + tight.too_long.eval).toBe(data.eval.length + data.too_long.eval);
		for (const row of tight.eval) expect(row.answer.length).toBeLessThan(20);
	});

	it('names the tree whose conversation cannot be rendered', () => {
		const t = tree(msg('prompter', 'Hi', null, [msg('assistant', 'Hello', 0)]));
		const read = (name: string) =>
			JSON.parse(readFileSync(`training/demo-tokenizer/${name}`, 'utf8'));
		const plainText = new ChatFormat(read('tokenizer.json'), {
			...read('tokenizer_config.json'),
			chat_template: "{% for m in messages %}{{ m['content'] }}\n{% endfor %}"
		});
		expect(() => buildDatasets([t], plainText, options)).toThrow(
			`tree ${t.message_tree_id}: chat template does not end an assistant turn with <|im_end|>`
		);
	});
});

describe('community trees mixed with a seed replay', () => {
	const seedTrees = generateTrees(100, 3);
	/** A tree people wrote on the server: no origin, a ranked pair of replies. */
	const communityTree = (i: number) =>
		tree(
			msg('prompter', `What is the secret word number ${i}?`, null, [
				msg('assistant', `The secret word number ${i} is plum${i}.`, 0),
				msg('assistant', `I do not know.`, 1)
			])
		);
	const community = Array.from({ length: 40 }, (_, i) => communityTree(i));
	const mixture = { seed_share: 0.25, community_val_fraction: 0.2 };
	const data = buildDatasets(seedTrees, format, { ...options, mixture }, community);
	const seedOnly = buildDatasets(seedTrees, format, options);
	const isCommunity = (id: string) => community.some((t) => t.message_tree_id === id);

	it('replays seed trees in the configured share of the training trees', () => {
		const { seed, community: crowd } = data.sources;
		expect(crowd).toEqual({ train: 32, val: 8, not_ready: 0, sft_repeats: 1 });
		// 32 community trees are 75 % of the training trees: 32 × 0.25 / 0.75 ≈ 11 seed trees.
		expect(seed.train).toBe(11);
		expect(seed.val).toBe(20);
		expect(seed.replay_unused).toBe(80 - 11);
		expect(data.trees).toEqual({ train: 43, val: 28, not_ready: 0 });
		const trainedIds = new Set(data.sft.train.map((row) => row.tree_id));
		expect([...trainedIds].filter(isCommunity)).toHaveLength(32);
		expect([...trainedIds].filter((id) => !isCommunity(id))).toHaveLength(11);
	});

	it('repeats the community’s SFT rows until they make the rest of SFT’s target tokens', () => {
		// Answers of a few tokens beside a replay of longer seed conversations.
		const terse = Array.from({ length: 10 }, (_, i) =>
			tree(
				msg('prompter', `Secret word ${i}?`, null, [
					msg('assistant', `plum${i}.`, 0),
					msg('assistant', `No idea.`, 1)
				])
			)
		);
		const isTerse = (id: string) => terse.some((t) => t.message_tree_id === id);
		const share = 0.9;
		const replayed = buildDatasets(
			seedTrees,
			format,
			{ ...options, mixture: { ...mixture, seed_share: share } },
			terse
		);
		const { train, sft_repeats: repeats } = replayed.sources.community;
		expect(repeats).toBeGreaterThan(1);
		const rows = replayed.sft.train;
		const crowdIds = rows.map((row) => row.tree_id).filter(isTerse);
		expect(crowdIds).toHaveLength(train * repeats);
		for (const id of new Set(crowdIds))
			expect(crowdIds.filter((c) => c === id)).toHaveLength(repeats);
		// The nearest whole number of repeats to the share: one fewer or one more is further off.
		const tokens = (picked: typeof rows) =>
			picked.reduce((n, row) => n + row.loss_mask.reduce<number>((m, x) => m + x, 0), 0);
		const seedTokens = tokens(rows.filter((row) => !isTerse(row.tree_id)));
		const once = tokens(rows.filter((row) => isTerse(row.tree_id))) / repeats;
		const miss = (k: number) => Math.abs((k * once) / (seedTokens + k * once) - (1 - share));
		expect(miss(repeats)).toBeLessThanOrEqual(miss(repeats - 1));
		expect(miss(repeats)).toBeLessThanOrEqual(miss(repeats + 1));
		// Only SFT repeats: the reward model and DPO see each ranking once.
		expect(replayed.dpo.train.filter((pair) => isTerse(pair.tree_id))).toHaveLength(train);
	});

	it('holds out community trees of their own, graded against their best-ranked reply', () => {
		expect(data.eval_community).toHaveLength(8);
		for (const row of data.eval_community) {
			expect(isCommunity(row.tree_id)).toBe(true);
			expect(row.skill).toBe('community');
			expect(row.answer).toMatch(/^The secret word number \d+ is plum\d+\.$/);
			expect(data.sft.train.some((sft) => sft.tree_id === row.tree_id)).toBe(false);
		}
		// The seed skills stay graded on the same held-out trees as a run without community data.
		expect(data.eval.map((row) => row.tree_id)).toEqual(seedOnly.eval.map((row) => row.tree_id));
		expect(data.eval.some((row) => isCommunity(row.tree_id))).toBe(false);
	});

	it('trains the reward model and DPO on the ranked community replies too', () => {
		const ranked = data.dpo.train.filter((pair) => isCommunity(pair.tree_id));
		expect(ranked).toHaveLength(32);
		expect(format.decode(ranked[0].chosen_ids)).toMatch(/is plum\d+\./);
	});

	it('picks the same replayed trees every time, and none without a share', () => {
		const again = buildDatasets(
			seedTrees,
			format,
			{ ...options, mixture },
			[...community].reverse()
		);
		expect(new Set(again.sft.train.map((r) => r.tree_id))).toEqual(
			new Set(data.sft.train.map((r) => r.tree_id))
		);
		const none = buildDatasets(
			seedTrees,
			format,
			{ ...options, mixture: { ...mixture, seed_share: 0 } },
			community
		);
		expect(none.sources.seed.train).toBe(0);
		expect(none.sources.community.sft_repeats).toBe(1);
		expect(none.eval).toHaveLength(data.eval.length);
	});

	it('changes nothing for a run without community trees', () => {
		expect(seedOnly.sources.seed).toEqual({ train: 80, val: 20, not_ready: 0, replay_unused: 0 });
		expect(seedOnly.eval_community).toEqual([]);
		// Every training tree, in file order, as before mixing existed (all fit a long context).
		const ids = seedTrees.map((t) => t.message_tree_id);
		const held = validationTrees(ids, options.seed, options.valFraction);
		const roomy = buildDatasets(seedTrees, format, { ...options, maxLength: 1024 });
		expect(roomy.sft.train.map((r) => r.tree_id)).toEqual(ids.filter((id) => !held.has(id)));
	});
});

// Tool use in the data files: tool-using replies expand into call turns and tool turns rendered
// with the browser's tool list, the loss covers calls and answers but never results, other trees
// are rendered with the list about half the time, and held-out tool questions are graded with and
// without tools. The oasst reader keeps `tool_steps` and leaves trees without it as they were.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOasstText } from '../../../src/lib/protocol/oasst-file';
import { toolDeclarations } from '../../../src/lib/shared/tools/declarations';
import { toolSpec } from '../../../src/lib/shared/tools/tool';
import { buildDatasets, type ToolEvalRow } from '../../../training/datasets/build';
import { bestThread, toChat } from '../../../training/datasets/conversations';
import { loadChatFormat } from '../../../training/datasets/load-chat-format';
import { checkableSkill, type OasstTree } from '../../../training/datasets/oasst-tree';
import { parseTrees, readTrees } from '../../../training/datasets/read-trees';
import { listsTools, usesTools } from '../../../training/datasets/tool-rendering';
import { generateTrees } from '../../../training/seed/generate';
import { generateToolTrees } from '../../../training/seed/tool-trees';

const format = loadChatFormat('training/demo-tokenizer');
const tools = toolDeclarations.map(toolSpec);
const options = { seed: 1, valFraction: 0.2, maxLength: 512, maxNewTokens: 48, tools };
const TOOLS_TURN = `<|im_start|>system\nTools: ${tools.map((t) => t.function.name).join(', ')}<|im_end|>\n`;

const direct = generateTrees(120, 5);
const toolTrees = generateToolTrees(90, 5);
const data = buildDatasets([...direct, ...toolTrees], format, options);
const isToolTree = new Set(toolTrees.map((t) => t.message_tree_id));
const text = (ids: number[]) => format.decode(ids);

/** The first tool tree whose graded question is of `skill` and asked first. */
const firstOf = (skill: string) =>
	toolTrees.find((t) => checkableSkill(t) === skill && bestThread(t).length === 2)!;

describe('a tool-using reply in a conversation', () => {
	const tree = firstOf('calculator');
	const [question, reply] = bestThread(tree);
	const call = reply.tool_steps![0].calls[0];
	const { expression } = call.arguments as { expression: string };

	it('expands into the call turn, the tool turn and the final answer', () => {
		expect(toChat([question, reply], true)).toEqual([
			{ role: 'prompter', content: question.text },
			{
				role: 'assistant',
				content: '',
				tool_calls: [
					{ type: 'function', function: { name: 'calculator', arguments: call.arguments } }
				]
			},
			{ role: 'tool', content: call.result },
			{ role: 'assistant', content: reply.text }
		]);
		// Without tools, as asked where none were offered: the final answer alone.
		expect(toChat([question, reply])).toEqual([
			{ role: 'prompter', content: question.text },
			{ role: 'assistant', content: reply.text }
		]);
	});

	it('trains on the call and the answer, never on the tool result', () => {
		const example = format.trainingExample(toChat([question, reply], true), { tools });
		const rendered = text(example.input_ids);
		const callText = `<tool_call>{"name": "calculator", "arguments": {"expression": "${expression}"}}</tool_call>`;
		const resultTurn = `<|im_start|>tool\n${call.result}<|im_end|>`;
		expect(rendered).toBe(
			`${TOOLS_TURN}<|im_start|>user\n${question.text}<|im_end|>\n` +
				`<|im_start|>assistant\n${callText}<|im_end|>\n${resultTurn}\n` +
				`<|im_start|>assistant\n${reply.text}<|im_end|>\n`
		);
		// The demo tokenizer is byte-level: a character is a token, a special token one too.
		const maskOf = (part: string) => {
			const start = format.encode(rendered.slice(0, rendered.indexOf(part))).length;
			return example.loss_mask.slice(start, start + format.encode(part).length);
		};
		expect(maskOf(`${callText}<|im_end|>`).every((m) => m === 1)).toBe(true);
		expect(maskOf(resultTurn).every((m) => m === 0)).toBe(true);
		expect(maskOf(`${reply.text}<|im_end|>`).every((m) => m === 1)).toBe(true);
		expect(maskOf(TOOLS_TURN).every((m) => m === 0)).toBe(true);
	});
});

describe('datasets with tools', () => {
	const sftRow = (id: string) =>
		[...data.sft.train, ...data.sft.val].find((row) => row.tree_id === id);

	it('render every tool tree, and about half the others, with the browser’s tool list', () => {
		for (const tree of toolTrees) {
			expect(usesTools(tree)).toBe(true);
			const row = sftRow(tree.message_tree_id);
			if (row) expect(text(row.input_ids).startsWith(TOOLS_TURN)).toBe(true);
		}
		const listed = direct.filter((t) => listsTools(t.message_tree_id));
		expect(listed.length / direct.length).toBeGreaterThan(0.35);
		expect(listed.length / direct.length).toBeLessThan(0.65);
		for (const tree of direct) {
			expect(usesTools(tree)).toBe(false);
			const row = sftRow(tree.message_tree_id)!;
			expect(text(row.input_ids).startsWith(TOOLS_TURN)).toBe(listsTools(tree.message_tree_id));
			// With the list or not, the other skills answer without a call.
			expect(text(row.input_ids)).not.toContain('<tool_call>');
		}
		expect(data.tools).toEqual({ listed: listed.length + toolTrees.length, unrenderable: 0 });
	});

	it('leaves tool trees out without a tool list, and renders the rest as before tools existed', () => {
		const without = buildDatasets([...direct, ...toolTrees], format, { ...options, tools: [] });
		const directOnly = buildDatasets(direct, format, { ...options, tools: undefined });
		expect(without.tools).toEqual({ listed: 0, unrenderable: toolTrees.length });
		expect(without.sft.train.map((r) => r.tree_id).filter((id) => isToolTree.has(id))).toEqual([]);
		expect(without.eval_tools).toEqual([]);
		// The held-out split depends on every tree's id, so compare the direct trees' rows by tree.
		const byTree = (rows: { tree_id: string }[]) =>
			new Map(rows.map((row) => [row.tree_id, JSON.stringify(row)]));
		const plain = byTree([...directOnly.sft.train, ...directOnly.sft.val]);
		for (const [id, row] of byTree([...without.sft.train, ...without.sft.val]))
			expect(row).toBe(plain.get(id));
	});

	it('ranks replies for the reward model with the tool turns in them, results included', () => {
		const lists = [...data.rm.train, ...data.rm.val].filter((l) => isToolTree.has(l.tree_id));
		const withCall = lists.filter((l) => text(l.replies[0]).startsWith('<tool_call>'));
		expect(withCall.length).toBeGreaterThan(40);
		for (const list of withCall) {
			expect(text(list.prefix_ids).startsWith(TOOLS_TURN)).toBe(true);
			expect(text(list.prefix_ids).endsWith('<|im_start|>assistant\n')).toBe(true);
			expect(text(list.replies[0])).toMatch(
				/^<tool_call>.*<\/tool_call><\|im_end\|>\n<\|im_start\|>tool\n[^]*<\|im_end\|>\n<\|im_start\|>assistant\n[^]*<\|im_end\|>$/
			);
		}
	});

	it('pairs replies for DPO at the turn where they part: the answer after the same call, or the call against a guess', () => {
		const pairs = [...data.dpo.train, ...data.dpo.val].filter((p) => isToolTree.has(p.tree_id));
		const afterCall = pairs.filter((p) =>
			/<\|im_start\|>tool\n[^<]*<\|im_end\|>\n<\|im_start\|>assistant\n$/.test(text(p.prompt_ids))
		);
		const callOrGuess = pairs.filter((p) => text(p.chosen_ids).startsWith('<tool_call>'));
		expect(afterCall.length).toBeGreaterThan(20);
		expect(callOrGuess.length).toBeGreaterThan(20);
		for (const pair of afterCall) {
			expect(text(pair.chosen_ids)).not.toContain('<tool_call>');
			expect(text(pair.rejected_ids)).not.toContain('<tool_call>');
		}
		for (const pair of callOrGuess) {
			// Only the call turn: the tool's result is not the model's to choose.
			expect(text(pair.chosen_ids)).toMatch(/^<tool_call>.*<\/tool_call><\|im_end\|>$/);
			expect(text(pair.rejected_ids)).not.toContain('<tool_call>');
			expect(text(pair.prompt_ids).endsWith('<|im_start|>assistant\n')).toBe(true);
		}
	});

	it('grades held-out tool questions with the tools, call then answer, and without them', () => {
		expect(data.eval_tools.length).toBeGreaterThan(8);
		expect(new Set(data.eval_tools.map((r) => r.skill))).toEqual(
			new Set(['calculator', 'calendar', 'note-lookup'])
		);
		for (const row of data.eval_tools) {
			const tree = toolTrees.find((t) => t.message_tree_id === row.tree_id)!;
			const thread = bestThread(tree);
			const graded = thread[thread.length - 1];
			const [call] = graded.tool_steps![0].calls;
			const [first, second] = row.tool_stages;
			expect(row.tool_stages).toHaveLength(2);
			// Without tools: as eval.jsonl asks, the final answer expected.
			expect(row.answer).toBe(graded.text);
			expect(row.prompt_ids).toEqual(format.promptIds(row.messages));
			expect(text(row.prompt_ids)).not.toContain('Tools:');
			// With tools: the call first, exactly as the template writes it...
			expect(text(first.prompt_ids).startsWith(TOOLS_TURN)).toBe(true);
			expect(text(first.prompt_ids).endsWith('<|im_start|>assistant\n')).toBe(true);
			expect(first.answer).toBe(
				`<tool_call>{"name": "${call.name}", "arguments": ${JSON.stringify(call.arguments).replace(/":"/g, '": "').replace(/","/g, '", "')}}</tool_call>`
			);
			expect(first.max_new_tokens).toBe(format.encode(first.answer).length + 1);
			// ...then, given that call and the tool's result, the final answer.
			expect(text(second.prompt_ids)).toBe(
				`${text(first.prompt_ids)}${first.answer}<|im_end|>\n<|im_start|>tool\n${call.result}<|im_end|>\n<|im_start|>assistant\n`
			);
			expect(second.answer).toBe(graded.text);
			expect(second.max_new_tokens).toBe(options.maxNewTokens);
		}
	});

	it('keeps tool questions out of eval.jsonl and the seen questions, which stay direct', () => {
		const toolSkills = new Set(['calculator', 'calendar', 'note-lookup']);
		expect(data.eval.some((r) => toolSkills.has(r.skill))).toBe(false);
		expect(data.eval_seen.some((r) => toolSkills.has(r.skill))).toBe(false);
		// A direct question asked after a tool exchange is asked as if no tools were offered.
		const afterTools = data.eval.filter((r) => isToolTree.has(r.tree_id));
		expect(afterTools.length).toBeGreaterThan(0);
		for (const row of afterTools) {
			expect(row.prompt_ids).toEqual(format.promptIds(row.messages));
			expect(text(row.prompt_ids)).not.toMatch(/Tools:|<tool_call>/);
		}
	});

	it('leaves out a tool question whose stages would not fit the context, and counts it', () => {
		const tight = buildDatasets(toolTrees, format, { ...options, maxLength: 300 });
		const all = buildDatasets(toolTrees, format, options);
		expect(tight.eval_tools.length).toBeLessThan(all.eval_tools.length);
		expect(tight.too_long.eval - all.too_long.eval).toBe(
			all.eval_tools.length - tight.eval_tools.length
		);
		for (const row of tight.eval_tools)
			for (const stage of row.tool_stages as ToolEvalRow['tool_stages'])
				expect(stage.prompt_ids.length + stage.max_new_tokens).toBeLessThanOrEqual(300);
	});
});

describe('reading tool-using trees from an oasst file', () => {
	const lines = (trees: OasstTree[]) => trees.map((t) => JSON.stringify(t)).join('\n') + '\n';
	const file = (content: string) => {
		const path = join(mkdtempSync(join(tmpdir(), 'hearth-tools-')), 'trees.jsonl');
		writeFileSync(path, content);
		return path;
	};

	it('keeps tool_steps, in tree lines and in message lines', () => {
		const trees = toolTrees.slice(0, 5);
		expect(readTrees(file(lines(trees)))).toEqual(
			trees.map((t) => ({ ...JSON.parse(JSON.stringify(t)), tags: [] }))
		);
		const messageLines = trees.flatMap((tree) => {
			const flat: object[] = [];
			const visit = (node: OasstTree['prompt']) => {
				const { replies, ...message } = node;
				flat.push({ ...message, message_tree_id: tree.message_tree_id });
				for (const reply of replies ?? []) visit(reply);
			};
			visit(tree.prompt);
			return flat;
		});
		const read = readTrees(file(messageLines.map((m) => JSON.stringify(m)).join('\n')));
		const stepsOf = (tree: OasstTree) =>
			JSON.stringify(tree).match(/"tool_steps":\[[^]*?\]\}\]/g)?.length;
		expect(read.map(stepsOf)).toEqual(trees.map(stepsOf));
		expect(bestThread(read[0]).at(-1)!.tool_steps).toEqual(bestThread(trees[0]).at(-1)!.tool_steps);
	});

	it('reads trees without tool_steps exactly as the protocol reader gives them', () => {
		const content = lines(direct.slice(0, 5));
		const read = parseTrees(content, 'direct.jsonl');
		const protocol = readOasstText(content, 'direct.jsonl').trees;
		expect(read.map((t) => t.prompt)).toEqual(protocol.map((t) => t.prompt));
		expect(JSON.stringify(read)).not.toContain('tool_steps');
	});

	it('names the file, line and field of tool_steps that are wrong', () => {
		const tree = JSON.parse(JSON.stringify(toolTrees[0]));
		const best = tree.prompt.replies.find((r: { rank: number }) => r.rank === 0);
		best.tool_steps[0].calls[0].result = 7;
		expect(() => parseTrees(JSON.stringify(tree), 'bad.jsonl')).toThrow(
			/^bad\.jsonl:1: line\.prompt\.replies\[\d\]\.tool_steps\[0\]\.calls\[0\]\.result: Invalid input: expected string, received number$/
		);
		const onPrompt = JSON.parse(JSON.stringify(toolTrees[0]));
		onPrompt.prompt.tool_steps = bestThread(toolTrees[0])[1].tool_steps;
		expect(() => parseTrees(JSON.stringify(onPrompt), 'prompter.jsonl')).toThrow(
			`prompter.jsonl:1: message ${onPrompt.prompt.message_id}: has tool_steps, but only an assistant reply calls tools`
		);
	});
});

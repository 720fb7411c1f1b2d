// The ONNX evaluation's tool figures: a tool question is right with tools only when its call and
// then its answer are, each within its stage's budget; without tools, when the plain reply is the
// final answer. Scripted replies stand in for the model.
import { describe, expect, it } from 'vitest';
import type { EvalLine, ToolLine } from '../../../training/build/evaluation-data';
import { groupTable } from '../../../training/build/onnx-evaluation';
import { toolExactMatch, toolGroupCounts } from '../../../training/build/tool-evaluation';

const line = (tree_id: string, skill: string): ToolLine => ({
	tree_id,
	skill,
	prompt_ids: [1],
	answer: 'It is 7.',
	tool_stages: [
		{ prompt_ids: [2], answer: '<call>', max_new_tokens: 30 },
		{ prompt_ids: [3], answer: 'It is 7.', max_new_tokens: 9 }
	]
});

/** Replies by tree and prompt: `replies[tree][first prompt id]` is right, else wrong. */
function answerer(right: Record<string, number[]>) {
	const asked: [string, number, number][] = [];
	const answer = async (lines: EvalLine[], budget: number) =>
		lines.map((l) => {
			asked.push([l.tree_id, l.prompt_ids[0], budget]);
			return { correct: (right[l.tree_id] ?? []).includes(l.prompt_ids[0]) };
		});
	return { asked, answer };
}

describe('tool questions through the ONNX evaluation', () => {
	const lines = [line('a', 'calc'), line('b', 'calc'), line('c', 'notes')];

	it('counts a question right with tools only when every stage is, per skill', async () => {
		const { asked, answer } = answerer({ a: [2, 3], b: [3, 1], c: [2, 3, 1] });
		const figures = await toolExactMatch(lines, answer, 48);
		expect(Object.fromEntries(figures)).toEqual({
			'tools.calc': 0.5,
			'no_tools.calc': 0.5,
			'tools.notes': 1,
			'no_tools.notes': 1
		});
		// b's call was wrong: its answer stage is never asked. Each stage has its own budget.
		expect(asked.filter(([tree]) => tree === 'b')).toEqual([
			['b', 2, 30],
			['b', 1, 48]
		]);
		expect(asked.filter(([tree]) => tree === 'a')).toEqual([
			['a', 2, 30],
			['a', 3, 9],
			['a', 1, 48]
		]);
	});

	it('reports both figures of each skill in the group table, with their question counts', () => {
		const counts = Object.fromEntries([['multiplication', 5], ...toolGroupCounts(lines)]);
		expect(counts).toEqual({
			multiplication: 5,
			'tools.calc': 2,
			'no_tools.calc': 2,
			'tools.notes': 1,
			'no_tools.notes': 1
		});
		const table = groupTable({
			'onnx.eval_counts': counts,
			'onnx.q4.exact_match.multiplication': 0.2,
			'onnx.q4.exact_match.tools.calc': 0.5,
			'onnx.q4.exact_match.no_tools.calc': 0
		});
		expect(table).toMatch(/^multiplication +- +0\.2000 +5$/m);
		expect(table).toMatch(/^tools\.calc +- +0\.5000 +2$/m);
		expect(table).toMatch(/^no_tools\.calc +- +0\.0000 +2$/m);
	});
});

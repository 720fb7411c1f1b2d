import { describe, expect, it } from 'vitest';
import { EVAL_COUNTS } from '../../../training/build/evaluation-data';
import {
	exactMatchByGroup,
	gradedLineSchema,
	groupTable,
	isGroupFigure,
	type GradedLine,
	type GreedyRecord
} from '../../../training/build/onnx-evaluation';

const line = (tree_id: string, skill?: string, variations?: string[]): GradedLine => ({
	tree_id,
	prompt_ids: [1],
	answer: 'a',
	...(skill ? { skill } : {}),
	...(variations ? { variations } : {})
});
const record = (tree_id: string, correct: boolean): GreedyRecord => ({
	tree_id,
	output: '',
	output_ids: [],
	finish_reason: 'stop',
	correct
});

describe('held-out exact match per skill and per variation kind', () => {
	const lines = [
		line('a', 'addition', ['plain']),
		line('b', 'addition', ['later-turn', 'turn.2', 'quotes', 'quotes.single']),
		line('c', 'backwards', ['later-turn', 'turn.3', 'later-turn']),
		line('d', 'backwards', ['capitalisation', 'case.upper']),
		line('e') // written before eval lines named their skill and variations
	];
	const records = [
		record('a', true),
		record('b', false),
		record('c', true),
		record('d', true),
		record('e', false)
	];

	it('counts each question in its skill and in every kind it has, once', () => {
		expect(Object.fromEntries(exactMatchByGroup(lines, records))).toEqual({
			addition: { exact_match: 0.5, count: 2 },
			backwards: { exact_match: 1, count: 2 },
			'variation.capitalisation': { exact_match: 1, count: 1 },
			'variation.case.upper': { exact_match: 1, count: 1 },
			'variation.later-turn': { exact_match: 0.5, count: 2 },
			'variation.plain': { exact_match: 1, count: 1 },
			'variation.quotes': { exact_match: 0, count: 1 },
			'variation.quotes.single': { exact_match: 0, count: 1 },
			'variation.turn.2': { exact_match: 0, count: 1 },
			'variation.turn.3': { exact_match: 1, count: 1 }
		});
		expect([...exactMatchByGroup(lines, records).keys()]).toEqual(
			[...exactMatchByGroup(lines, records).keys()].sort()
		);
	});

	it('refuses replies that do not belong to the questions', () => {
		expect(() => exactMatchByGroup(lines, records.slice(1))).toThrow('4 replies for 5 questions');
		expect(() => exactMatchByGroup(lines.slice(0, 2), [records[1], records[0]])).toThrow(
			'reply 0 is for tree b, not a'
		);
	});

	it('reads skill and variations from eval lines, and lines without them', () => {
		const parsed = gradedLineSchema.parse({
			tree_id: 't',
			skill: 'addition',
			variations: ['plain'],
			messages: [],
			prompt_ids: [3],
			answer: 'x'
		});
		expect(parsed).toMatchObject({ skill: 'addition', variations: ['plain'] });
		expect(gradedLineSchema.parse({ tree_id: 't', prompt_ids: [3], answer: 'x' }).skill).toBe(
			undefined
		);
	});

	it('prints skills, then variation kinds, with both graphs and the question counts', () => {
		const report: Record<string, unknown> = {
			[EVAL_COUNTS]: { 'variation.later-turn': 20, addition: 30, backwards: 25 },
			'onnx.fp32.exact_match': 0.9,
			'onnx.fp32.exact_match.addition': 1,
			'onnx.q4.exact_match.addition': 0.9,
			'onnx.fp32.exact_match.backwards': 0.8,
			'onnx.q4.exact_match.backwards': 0.76,
			'onnx.fp32.exact_match.variation.later-turn': 0.85,
			'onnx.q4.exact_match.variation.later-turn': 0.8,
			'onnx.q4.exact_match.seen': 0.95
		};
		expect(groupTable(report).split('\n')).toEqual([
			'group                   fp32      q4       n',
			'addition              1.0000  0.9000      30',
			'backwards             0.8000  0.7600      25',
			'variation.later-turn  0.8500  0.8000      20'
		]);
		expect(isGroupFigure('onnx.q4.exact_match.addition', report)).toBe(true);
		expect(isGroupFigure('onnx.q4.exact_match.variation.later-turn', report)).toBe(true);
		expect(isGroupFigure('onnx.q4.exact_match.seen', report)).toBe(false);
		expect(isGroupFigure('onnx.q4.exact_match', report)).toBe(false);
		expect(groupTable({})).toBe('');
	});
});

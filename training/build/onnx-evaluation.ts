// Figures for a built model directory through onnxruntime-node, for the fp32 and int4 graphs:
// perplexity on assistant tokens, exact match of greedy replies (overall, per skill and per
// variation kind of the question; the tool skills' with and without tools), and the replies
// themselves.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import type { Variant } from './decoder-graph';
import {
	EVAL_COUNTS,
	evalLineSchema,
	readJsonl,
	sftLineSchema,
	toolLineSchema,
	type EvalLine,
	type SftLine
} from './evaluation-data';
import { negativeLogLikelihood, OnnxDecoder } from './onnx-decoder';
import { toolExactMatch, toolGroupCounts } from './tool-evaluation';

/** An eval line with what groups it: its skill and its question's variation kinds
 * (training/datasets/variations.ts); data written before they existed has neither. */
export const gradedLineSchema = evalLineSchema.extend({
	skill: z.string().optional(),
	variations: z.array(z.string()).optional()
});
export type GradedLine = z.infer<typeof gradedLineSchema>;

export interface GreedyRecord {
	tree_id: string;
	output: string;
	output_ids: number[];
	/** `stop`: the model ended the reply itself; `length`: it ran to the token budget. */
	finish_reason: 'stop' | 'length';
	correct: boolean;
}

/** exp of the mean negative log-likelihood of the target tokens (loss_mask 1, predicted from t−1). */
export async function perplexity(decoder: OnnxDecoder, lines: SftLine[]): Promise<number> {
	const vocab = decoder.config.vocabSize;
	let total = 0;
	let count = 0;
	for (const line of lines) {
		if (line.input_ids.length > decoder.config.maxPositions) {
			throw new Error(
				`sequence of tree ${line.tree_id} has ${line.input_ids.length} tokens, more than the model's ${decoder.config.maxPositions} positions`
			);
		}
		const { logits } = await decoder.forward([line.input_ids]);
		for (let t = 1; t < line.input_ids.length; t++) {
			if (!line.loss_mask[t]) continue;
			total += negativeLogLikelihood(
				logits.subarray((t - 1) * vocab, t * vocab),
				line.input_ids[t]
			);
			count++;
		}
	}
	if (count === 0) throw new Error('no target tokens to measure perplexity on');
	return Math.exp(total / count);
}

export async function greedyReplies(
	decoder: OnnxDecoder,
	lines: EvalLine[],
	tokenizer: Tokenizer,
	stopIds: ReadonlySet<number>,
	maxNewTokens: number
): Promise<GreedyRecord[]> {
	const records: GreedyRecord[] = [];
	for (const line of lines) {
		const ids = await decoder.greedy(line.prompt_ids, maxNewTokens, stopIds);
		const stopped = stopIds.has(ids[ids.length - 1]);
		const content = stopped ? ids.slice(0, -1) : ids;
		// The tokenizer refuses an empty list; an immediate stop is an empty reply.
		const output = content.length ? tokenizer.decode(content, { skip_special_tokens: true }) : '';
		records.push({
			tree_id: line.tree_id,
			output,
			output_ids: ids,
			finish_reason: stopped ? 'stop' : 'length',
			correct: output.trim() === line.answer.trim()
		});
	}
	return records;
}

export interface GroupFigure {
	exact_match: number;
	count: number;
}

/**
 * Exact match of `records` (greedy replies to `lines`, in the same order) per group: `<skill>`
 * for each skill, `variation.<kind>` for each variation kind. A line counts in every group it
 * belongs to; groups come sorted by name.
 */
export function exactMatchByGroup(
	lines: readonly GradedLine[],
	records: readonly GreedyRecord[]
): Map<string, GroupFigure> {
	if (lines.length !== records.length) {
		throw new Error(`${records.length} replies for ${lines.length} questions`);
	}
	const tally = new Map<string, { correct: number; count: number }>();
	const count = (group: string, correct: boolean) => {
		const entry = tally.get(group) ?? { correct: 0, count: 0 };
		entry.correct += correct ? 1 : 0;
		entry.count++;
		tally.set(group, entry);
	};
	lines.forEach((line, i) => {
		if (records[i].tree_id !== line.tree_id) {
			throw new Error(`reply ${i} is for tree ${records[i].tree_id}, not ${line.tree_id}`);
		}
		if (line.skill) count(line.skill, records[i].correct);
		for (const kind of new Set(line.variations ?? []))
			count(`variation.${kind}`, records[i].correct);
	});
	return new Map(
		[...tally]
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([group, { correct, count }]) => [group, { exact_match: correct / count, count }])
	);
}

const placeholderRecord = (line: GradedLine): GreedyRecord => ({
	tree_id: line.tree_id,
	output: '',
	output_ids: [],
	finish_reason: 'length',
	correct: false
});

/**
 * The grouped figures of a report as a table: one row per group (skills first, then variation
 * kinds), a column per graph, and how many questions each row rests on.
 */
export function groupTable(report: Record<string, unknown>): string {
	const counts = report[EVAL_COUNTS];
	if (typeof counts !== 'object' || counts === null) return '';
	const groups = Object.keys(counts).sort(
		(a, b) =>
			Number(a.startsWith('variation.')) - Number(b.startsWith('variation.')) ||
			(a < b ? -1 : a > b ? 1 : 0)
	);
	const variants = ['fp32', 'q4'];
	const width = Math.max(5, ...groups.map((g) => g.length));
	const cell = (value: unknown) => (typeof value === 'number' ? value.toFixed(4) : '-').padStart(7);
	const lines = [
		`${'group'.padEnd(width)} ${variants.map((v) => v.padStart(7)).join(' ')}       n`,
		...groups.map(
			(group) =>
				`${group.padEnd(width)} ${variants
					.map((v) => cell(report[`onnx.${v}.exact_match.${group}`]))
					.join(' ')} ${String((counts as Record<string, unknown>)[group]).padStart(7)}`
		)
	];
	return lines.join('\n');
}

/** Whether `name` is one of the per-group figures `groupTable` shows. */
export function isGroupFigure(name: string, report: Record<string, unknown>): boolean {
	const counts = report[EVAL_COUNTS];
	if (typeof counts !== 'object' || counts === null) return false;
	const match = /^onnx\.[^.]+\.exact_match\.(.+)$/.exec(name);
	return match !== null && match[1] in counts;
}

/** The tokens that end a reply: every `eos_token_id` of the model directory's generation_config.json. */
export async function stopIdsOf(modelDir: string): Promise<Set<number>> {
	const generation = JSON.parse(await readFile(join(modelDir, 'generation_config.json'), 'utf8'));
	return new Set<number>([generation.eos_token_id].flat());
}

export async function evaluateOnnx(options: {
	model: string;
	data: string;
	maxNewTokens: number;
	torchGreedy?: { tree_id: string; output: string }[];
}): Promise<Record<string, unknown>> {
	const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
	const tokenizer = new Tokenizer(
		await readJson(join(options.model, 'tokenizer.json')),
		await readJson(join(options.model, 'tokenizer_config.json'))
	);
	const stopIds = await stopIdsOf(options.model);
	const sft = await readJsonl(join(options.data, 'sft.val.jsonl'), sftLineSchema);
	const prompts = await readJsonl(join(options.data, 'eval.jsonl'), gradedLineSchema);
	const seen = await readJsonl(join(options.data, 'eval.seen.jsonl'), evalLineSchema);
	// Held-out community questions, when the run learnt from an export (the skill `community`).
	const communityPath = join(options.data, 'eval.community.jsonl');
	const community = existsSync(communityPath) ? await readJsonl(communityPath, evalLineSchema) : [];
	// Held-out questions answered with tools, when the data has any.
	const toolsPath = join(options.data, 'eval.tools.jsonl');
	const tools = existsSync(toolsPath) ? await readJsonl(toolsPath, toolLineSchema) : [];
	const share = (records: GreedyRecord[]) =>
		records.filter((r) => r.correct).length / records.length;

	const figures: Record<string, unknown> = {};
	// How many held-out questions each group's figure rests on (one figure of 5 questions is noise).
	figures[EVAL_COUNTS] = Object.fromEntries([
		...[...exactMatchByGroup(prompts, prompts.map(placeholderRecord))].map(([group, { count }]) => [
			group,
			count
		]),
		...(community.length ? [['community', community.length]] : []),
		...toolGroupCounts(tools)
	]);
	for (const variant of ['fp32', 'q4'] as Variant[]) {
		const decoder = await OnnxDecoder.load(options.model, variant);
		try {
			const greedy = await greedyReplies(
				decoder,
				prompts,
				tokenizer,
				stopIds,
				options.maxNewTokens
			);
			figures[`onnx.${variant}.val_ppl`] = await perplexity(decoder, sft);
			figures[`onnx.${variant}.exact_match`] = share(greedy);
			// Held-out questions per skill and per variation kind: which skill or wording fails.
			for (const [group, { exact_match }] of exactMatchByGroup(prompts, greedy))
				figures[`onnx.${variant}.exact_match.${group}`] = exact_match;
			if (community.length) {
				const replies = await greedyReplies(
					decoder,
					community,
					tokenizer,
					stopIds,
					options.maxNewTokens
				);
				figures[`onnx.${variant}.exact_match.community`] = share(replies);
				// What the model says to the crowd's held-out questions, for a person to read.
				figures[`onnx.${variant}.greedy.community`] = replies;
			}
			const toolFigures = await toolExactMatch(
				tools,
				(lines, budget) => greedyReplies(decoder, lines, tokenizer, stopIds, budget),
				options.maxNewTokens
			);
			for (const [group, share] of toolFigures)
				figures[`onnx.${variant}.exact_match.${group}`] = share;
			// The seed questions it was trained on, as the browser's runtime answers them.
			figures[`onnx.${variant}.exact_match.seen`] = share(
				await greedyReplies(decoder, seen, tokenizer, stopIds, options.maxNewTokens)
			);
			if (options.torchGreedy) {
				const torch = new Map(options.torchGreedy.map((r) => [r.tree_id, r.output]));
				const same = greedy.filter((r) => torch.get(r.tree_id) === r.output).length;
				figures[`onnx.${variant}.greedy_same_as_torch`] = same / greedy.length;
			}
			figures[`onnx.${variant}.greedy`] = greedy;
		} finally {
			await decoder.release();
		}
	}
	return figures;
}

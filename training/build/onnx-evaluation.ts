// Figures for a built model directory through onnxruntime-node, for the fp32 and int4 graphs:
// perplexity on assistant tokens, exact match of greedy replies, and the replies themselves.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { Variant } from './decoder-graph';
import {
	evalLineSchema,
	readJsonl,
	sftLineSchema,
	type EvalLine,
	type SftLine
} from './evaluation-data';
import { negativeLogLikelihood, OnnxDecoder } from './onnx-decoder';

export interface GreedyRecord {
	tree_id: string;
	output: string;
	output_ids: number[];
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
		const content = stopIds.has(ids[ids.length - 1]) ? ids.slice(0, -1) : ids;
		// The tokenizer refuses an empty list; an immediate stop is an empty reply.
		const output = content.length ? tokenizer.decode(content, { skip_special_tokens: true }) : '';
		records.push({
			tree_id: line.tree_id,
			output,
			output_ids: ids,
			correct: output.trim() === line.answer.trim()
		});
	}
	return records;
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
	const prompts = await readJsonl(join(options.data, 'eval.jsonl'), evalLineSchema);
	const seen = await readJsonl(join(options.data, 'eval.seen.jsonl'), evalLineSchema);
	const share = (records: GreedyRecord[]) =>
		records.filter((r) => r.correct).length / records.length;

	const figures: Record<string, unknown> = {};
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

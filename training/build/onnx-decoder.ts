// Runs a built model directory's decoder through onnxruntime-node: full forward passes, the
// KV cache, greedy decoding. The pipeline's ONNX evaluation and the parity tests use it, so
// what they measure is the graph the browser downloads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseDecoderConfig, type DecoderConfig } from './checkpoint';
import type { Variant } from './decoder-graph';
import { ONNX_FILES } from './model-dir';

/** Per layer: [key, value], each [B, Hkv, P, hd]. */
export type KvCache = [ort.Tensor, ort.Tensor][];

export interface ForwardResult {
	/** [B, S, V] row-major. */
	logits: Float32Array;
	present: KvCache;
}

export class OnnxDecoder {
	private constructor(
		private readonly session: ort.InferenceSession,
		readonly config: DecoderConfig
	) {}

	static async load(modelDir: string, variant: Variant, threads = 1): Promise<OnnxDecoder> {
		const configPath = join(modelDir, 'config.json');
		const config = parseDecoderConfig(JSON.parse(await readFile(configPath, 'utf8')), configPath);
		const session = await ort.InferenceSession.create(join(modelDir, 'onnx', ONNX_FILES[variant]), {
			intraOpNumThreads: threads,
			interOpNumThreads: 1
		});
		return new OnnxDecoder(session, config);
	}

	/**
	 * Logits for `inputIds` [B][S] after `past` (none: an empty cache). `attentionMask` covers
	 * past and new positions (default all ones); positions count real tokens, as in the trainer.
	 */
	async forward(
		inputIds: number[][],
		past?: KvCache,
		attentionMask?: number[][]
	): Promise<ForwardResult> {
		const batch = inputIds.length;
		const length = inputIds[0].length;
		const pastLength = past ? past[0][0].dims[2] : 0;
		const mask = attentionMask ?? inputIds.map(() => new Array(pastLength + length).fill(1));
		const positions = mask.map((row) => {
			let seen = 0;
			return row.map((m) => Math.max(0, (seen += m) - 1)).slice(pastLength);
		});
		const int64 = (rows: number[][]) =>
			new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [
				rows.length,
				rows[0].length
			]);
		const { numLayers, numKvHeads, headDim } = this.config;
		const emptyCache = () =>
			new ort.Tensor('float32', new Float32Array(0), [batch, numKvHeads, 0, headDim]);
		const feeds: Record<string, ort.Tensor> = {
			input_ids: int64(inputIds),
			attention_mask: int64(mask),
			position_ids: int64(positions)
		};
		for (let i = 0; i < numLayers; i++) {
			feeds[`past_key_values.${i}.key`] = past?.[i][0] ?? emptyCache();
			feeds[`past_key_values.${i}.value`] = past?.[i][1] ?? emptyCache();
		}
		const out = await this.session.run(feeds);
		return {
			logits: out.logits.data as Float32Array,
			present: Array.from({ length: numLayers }, (_, i) => [
				out[`present.${i}.key`],
				out[`present.${i}.value`]
			])
		};
	}

	/**
	 * The greedy continuation of one prompt through the cache, ending with a stop token unless
	 * the budget ran out first (as the trainer's greedy decoding does). The budget also ends
	 * at the model's last position, where the rotary table runs out.
	 */
	async greedy(
		prompt: number[],
		maxNewTokens: number,
		stopIds: ReadonlySet<number>
	): Promise<number[]> {
		const budget = Math.min(maxNewTokens, this.config.maxPositions - prompt.length);
		const vocab = this.config.vocabSize;
		let { logits, present } = await this.forward([prompt]);
		let last = logits.subarray(logits.length - vocab);
		const reply: number[] = [];
		while (reply.length < budget) {
			const next = argmax(last);
			reply.push(next);
			if (stopIds.has(next) || reply.length === budget) break;
			({ logits, present } = await this.forward([[next]], present));
			last = logits;
		}
		return reply;
	}

	async release(): Promise<void> {
		await this.session.release();
	}
}

export function argmax(values: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
	return best;
}

/** −log softmax(row)[target], in float64. */
export function negativeLogLikelihood(row: ArrayLike<number>, target: number): number {
	let max = -Infinity;
	for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
	let sum = 0;
	for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
	return Math.log(sum) + max - row[target];
}

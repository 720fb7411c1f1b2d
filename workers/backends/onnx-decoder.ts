// One ONNX decoder session in the Hugging Face layout and its KV cache: feed new tokens, get the
// logits of the last one. On WebGPU the cache (`present.*` → `past_key_values.*`) never leaves
// the GPU: outputs are kept as GPU buffers and fed straight back, and the previous step's
// buffers are released as soon as the next step has consumed them.
import type * as Ort from 'onnxruntime-web';
import type { OnnxDevice } from '$lib/protocol/inference';
import type { OrtModule } from './onnx-runtime';
import { nextTask } from '../next-task';

export interface DecoderShape {
	layers: number;
	kvHeads: number;
	headDim: number;
	vocabSize: number;
}

/** Prefill in chunks so that the [chunk × vocabulary] logits stay near 32 MB even for 150k-token vocabularies. */
const MAX_LOGITS_PER_CHUNK = 2 ** 23;

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'position_ids']);

export class OnnxDecoder {
	private past: Ort.Tensor[] | null = null;
	/** The tokens whose keys and values are in the cache, in order. */
	private cachedIds: number[] = [];

	private constructor(
		private readonly ort: OrtModule,
		private readonly session: Ort.InferenceSession,
		private readonly shape: DecoderShape,
		private readonly modelFile: string
	) {}

	static async create(
		ort: OrtModule,
		device: OnnxDevice,
		model: Uint8Array,
		modelFile: string,
		externalData: Ort.InferenceSession.SessionOptions['externalData'],
		shape: DecoderShape
	): Promise<OnnxDecoder> {
		const presentNames = cacheNames(shape.layers, 'present');
		const session = await ort.InferenceSession.create(model, {
			executionProviders: [device],
			externalData,
			graphOptimizationLevel: 'all',
			extra: { session: { intra_op: { allow_spinning: '0' } } },
			preferredOutputLocation:
				device === 'webgpu'
					? Object.fromEntries(presentNames.map((name) => [name, 'gpu-buffer' as const]))
					: 'cpu'
		});
		const pastNames = cacheNames(shape.layers, 'past_key_values');
		const missing = ['input_ids', 'attention_mask', ...pastNames].filter(
			(name) => !session.inputNames.includes(name)
		);
		const missingOutputs = ['logits', ...presentNames].filter(
			(name) => !session.outputNames.includes(name)
		);
		const unknown = session.inputNames.filter(
			(name) => !KNOWN_INPUTS.has(name) && !pastNames.includes(name)
		);
		const cache = session.inputMetadata.find((m) => m.name === pastNames[0]);
		const cacheType = cache?.isTensor ? cache.type : 'float32';
		if (missing.length || missingOutputs.length || unknown.length || cacheType !== 'float32') {
			await session.release();
			const problems = [
				...missing.map((name) => `no input ${name}`),
				...missingOutputs.map((name) => `no output ${name}`),
				...unknown.map((name) => `unexpected input ${name}`),
				...(cacheType !== 'float32' ? [`KV cache of type ${cacheType} (float32 only)`] : [])
			];
			throw new Error(
				`${modelFile}: not a decoder with a KV cache in the Hugging Face layout for ${shape.layers} layers (${problems.join(', ')})`
			);
		}
		return new OnnxDecoder(ort, session, shape, modelFile);
	}

	/**
	 * Feeds `ids` after what is cached and returns the logits that follow the last of them, or
	 * null when `signal` aborted between two chunks of a long prompt (what was fed stays cached).
	 */
	async forward(ids: number[], signal?: AbortSignal): Promise<Float32Array | null> {
		if (ids.length === 0) throw new Error('forward needs at least one token');
		const chunk = Math.max(1, Math.floor(MAX_LOGITS_PER_CHUNK / this.shape.vocabSize));
		let logits = await this.step(ids.slice(0, chunk));
		for (let start = chunk; start < ids.length; start += chunk) {
			// A long prompt on WASM blocks the worker for seconds: let an interrupt in between chunks.
			await nextTask();
			if (signal?.aborted) return null;
			logits = await this.step(ids.slice(start, start + chunk));
		}
		return logits;
	}

	/** Positions already in the KV cache. */
	get pastLength(): number {
		return this.cachedIds.length;
	}

	/**
	 * Prepares to run `ids`: keeps the cache when it holds a strict prefix of them (the next turn
	 * of a conversation starts with the previous prompt and reply), else starts over. Returns how
	 * many of `ids` are already cached, so only the rest needs a forward pass.
	 */
	continueWith(ids: readonly number[]): number {
		const cached = this.cachedIds;
		const isPrefix = cached.length < ids.length && cached.every((id, i) => id === ids[i]);
		if (!isPrefix) this.reset();
		return this.cachedIds.length;
	}

	/** Forgets the cache: the next `forward` starts a new sequence. */
	reset(): void {
		this.past?.forEach((tensor) => tensor.dispose());
		this.past = null;
		this.cachedIds = [];
	}

	async release(): Promise<void> {
		this.reset();
		await this.session.release();
	}

	private async step(ids: number[]): Promise<Float32Array> {
		const { ort, shape } = this;
		const n = ids.length;
		const total = this.pastLength + n;
		const feeds: Record<string, Ort.Tensor> = {
			input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
			attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total])
		};
		if (this.session.inputNames.includes('position_ids')) {
			const positions = BigInt64Array.from({ length: n }, (_, i) => BigInt(this.pastLength + i));
			feeds.position_ids = new ort.Tensor('int64', positions, [1, n]);
		}
		const past = this.past ?? this.emptyCache();
		cacheNames(shape.layers, 'past_key_values').forEach((name, i) => (feeds[name] = past[i]));

		const outputs = await this.session.run(feeds);
		const logits = outputs.logits;
		if (logits.type !== 'float32') {
			throw new Error(
				`${this.modelFile}: logits of type ${logits.type} are not supported (float32 only)`
			);
		}
		const all = (await logits.getData()) as Float32Array;
		const last = all.slice((n - 1) * shape.vocabSize, n * shape.vocabSize);
		logits.dispose();

		past.forEach((tensor) => tensor.dispose());
		this.past = cacheNames(shape.layers, 'present').map((name) => outputs[name]);
		this.cachedIds.push(...ids);
		return last;
	}

	private emptyCache(): Ort.Tensor[] {
		const dims = [1, this.shape.kvHeads, 0, this.shape.headDim];
		return cacheNames(this.shape.layers, 'past_key_values').map(
			() => new this.ort.Tensor('float32', new Float32Array(0), dims)
		);
	}
}

/** `past_key_values.{i}.key|value` or `present.{i}.key|value`, layer by layer, key before value. */
function cacheNames(layers: number, prefix: 'past_key_values' | 'present'): string[] {
	return Array.from({ length: layers }, (_, i) => [
		`${prefix}.${i}.key`,
		`${prefix}.${i}.value`
	]).flat();
}

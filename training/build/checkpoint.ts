// A trainer checkpoint (`config.json` + `model.safetensors`) read into the weights the ONNX
// graph needs, every tensor checked by name and shape. Names are ours (training/README.md);
// Hugging Face Llama/Qwen2 names are accepted too and renamed, as the trainer does.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors, toFloat32 } from './safetensors';
import { parseJsonObject } from '../../src/lib/shared/json-object';

export interface DecoderConfig {
	modelType: 'llama' | 'qwen2';
	vocabSize: number;
	hiddenSize: number;
	intermediateSize: number;
	numLayers: number;
	numHeads: number;
	numKvHeads: number;
	headDim: number;
	maxPositions: number;
	ropeTheta: number;
	rmsNormEps: number;
	tieWordEmbeddings: boolean;
	bosTokenId: number | null;
	eosTokenId: number | number[] | null;
	padTokenId: number | null;
}

export interface Tensor {
	shape: number[];
	data: Float32Array;
}

export interface LayerWeights {
	attnNorm: Tensor;
	q: Tensor;
	k: Tensor;
	v: Tensor;
	/** Qwen2 only. */
	qkvBias: { q: Tensor; k: Tensor; v: Tensor } | null;
	o: Tensor;
	mlpNorm: Tensor;
	gate: Tensor;
	up: Tensor;
	down: Tensor;
}

export interface DecoderWeights {
	config: DecoderConfig;
	embed: Tensor;
	layers: LayerWeights[];
	norm: Tensor;
	/** null when tied to the embedding. */
	lmHead: Tensor | null;
}

/** Reads a Hugging Face `config.json` object; `source` names it in errors. */
export function parseDecoderConfig(fields: Record<string, unknown>, source: string): DecoderConfig {
	const fail = (problem: string) => new Error(`${source}: ${problem}`);
	const modelType = fields.model_type ?? 'llama';
	if (modelType !== 'llama' && modelType !== 'qwen2') {
		throw fail(
			`model_type ${JSON.stringify(modelType)} is not supported (expected llama or qwen2)`
		);
	}
	if (fields.rope_scaling != null) throw fail('rope_scaling is not supported');
	for (const flag of ['attention_bias', 'mlp_bias', 'use_sliding_window']) {
		if (fields[flag] === true) throw fail(`${flag}=true is not supported`);
	}
	if ((fields.hidden_act ?? 'silu') !== 'silu') {
		throw fail(`hidden_act ${JSON.stringify(fields.hidden_act)} is not supported (expected silu)`);
	}
	const positiveInt = (name: string, fallback?: number): number => {
		const value = fields[name] ?? fallback;
		if (!Number.isInteger(value) || (value as number) <= 0) {
			throw fail(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
		}
		return value as number;
	};
	const positiveNumber = (name: string, fallback: number): number => {
		const value = fields[name] ?? fallback;
		if (typeof value !== 'number' || !(value > 0)) {
			throw fail(`${name} must be a positive number, got ${JSON.stringify(value)}`);
		}
		return value;
	};
	const tokenId = (name: string): number | null => {
		const value = fields[name] ?? null;
		if (value !== null && !(Number.isInteger(value) && (value as number) >= 0)) {
			throw fail(`${name} must be a token id or null, got ${JSON.stringify(value)}`);
		}
		return value as number | null;
	};

	const hiddenSize = positiveInt('hidden_size');
	const numHeads = positiveInt('num_attention_heads');
	const numKvHeads = positiveInt('num_key_value_heads', numHeads);
	if (numHeads % numKvHeads !== 0) {
		throw fail(
			`num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`
		);
	}
	if (!fields.head_dim && hiddenSize % numHeads !== 0) {
		throw fail(`hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numHeads}`);
	}
	const headDim = fields.head_dim ? positiveInt('head_dim') : hiddenSize / numHeads;
	if (headDim % 2 !== 0) throw fail(`the head size ${headDim} must be even for rotary embeddings`);
	const tie = fields.tie_word_embeddings ?? true;
	if (typeof tie !== 'boolean') {
		throw fail(`tie_word_embeddings must be true or false, got ${JSON.stringify(tie)}`);
	}
	const eos = fields.eos_token_id ?? null;
	if (
		eos !== null &&
		!Number.isInteger(eos) &&
		!(Array.isArray(eos) && eos.every(Number.isInteger))
	) {
		throw fail(
			`eos_token_id must be a token id, a list of them or null, got ${JSON.stringify(eos)}`
		);
	}
	return {
		modelType,
		vocabSize: positiveInt('vocab_size'),
		hiddenSize,
		intermediateSize: positiveInt('intermediate_size'),
		numLayers: positiveInt('num_hidden_layers'),
		numHeads,
		numKvHeads,
		headDim,
		maxPositions: positiveInt('max_position_embeddings'),
		ropeTheta: positiveNumber('rope_theta', 10000),
		rmsNormEps: positiveNumber('rms_norm_eps', 1e-5),
		tieWordEmbeddings: tie,
		bosTokenId: tokenId('bos_token_id'),
		eosTokenId: eos as number | number[] | null,
		padTokenId: tokenId('pad_token_id')
	};
}

// Hugging Face name → ours, as in training/README.md ({i} = layer index).
const HF_NAMES: [RegExp, string][] = [
	[/^model\.embed_tokens\.weight$/, 'tok_emb.weight'],
	[/^model\.layers\.(\d+)\.input_layernorm\.weight$/, 'layers.$1.attn_norm.weight'],
	[/^model\.layers\.(\d+)\.self_attn\.([qkvo])_proj\.(weight|bias)$/, 'layers.$1.attn.$2.$3'],
	[/^model\.layers\.(\d+)\.post_attention_layernorm\.weight$/, 'layers.$1.mlp_norm.weight'],
	[/^model\.layers\.(\d+)\.mlp\.(gate|up|down)_proj\.weight$/, 'layers.$1.mlp.$2.weight'],
	[/^model\.norm\.weight$/, 'norm.weight']
];
// Old Hugging Face checkpoints store rotary frequencies, which the graph recomputes.
const IGNORED = /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/;

function ourName(name: string): string | null {
	if (IGNORED.test(name)) return null;
	for (const [pattern, replacement] of HF_NAMES) {
		if (pattern.test(name)) return name.replace(pattern, replacement);
	}
	return name;
}

/** Checks every tensor against the config and assembles the decoder's weights. */
export function assembleWeights(
	config: DecoderConfig,
	named: Map<string, Tensor>,
	source: string
): DecoderWeights {
	const fail = (problem: string) => new Error(`${source}: ${problem}`);
	const { hiddenSize: d, headDim: hd, numHeads: h, numKvHeads: hkv } = config;
	const f = config.intermediateSize;
	const expected = new Map<string, number[]>([['tok_emb.weight', [config.vocabSize, d]]]);
	for (let i = 0; i < config.numLayers; i++) {
		const p = `layers.${i}.`;
		expected.set(p + 'attn_norm.weight', [d]);
		expected.set(p + 'attn.q.weight', [h * hd, d]);
		expected.set(p + 'attn.k.weight', [hkv * hd, d]);
		expected.set(p + 'attn.v.weight', [hkv * hd, d]);
		if (config.modelType === 'qwen2') {
			expected.set(p + 'attn.q.bias', [h * hd]);
			expected.set(p + 'attn.k.bias', [hkv * hd]);
			expected.set(p + 'attn.v.bias', [hkv * hd]);
		}
		expected.set(p + 'attn.o.weight', [d, h * hd]);
		expected.set(p + 'mlp_norm.weight', [d]);
		expected.set(p + 'mlp.gate.weight', [f, d]);
		expected.set(p + 'mlp.up.weight', [f, d]);
		expected.set(p + 'mlp.down.weight', [d, f]);
	}
	expected.set('norm.weight', [d]);
	if (!config.tieWordEmbeddings) expected.set('lm_head.weight', [config.vocabSize, d]);

	for (const [name, tensor] of named) {
		const shape = expected.get(name);
		if (!shape) {
			if (name === 'score.weight') {
				throw fail(`tensor score.weight belongs to a reward model; build a policy checkpoint`);
			}
			throw fail(`unexpected tensor ${name} for this config`);
		}
		if (shape.join() !== tensor.shape.join()) {
			throw fail(
				`tensor ${name} has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`
			);
		}
	}
	for (const [name, shape] of expected) {
		if (!named.has(name))
			throw fail(`missing tensor ${name}, expected shape [${shape.join(', ')}]`);
	}

	const get = (name: string) => named.get(name)!;
	return {
		config,
		embed: get('tok_emb.weight'),
		layers: Array.from({ length: config.numLayers }, (_, i) => {
			const p = `layers.${i}.`;
			return {
				attnNorm: get(p + 'attn_norm.weight'),
				q: get(p + 'attn.q.weight'),
				k: get(p + 'attn.k.weight'),
				v: get(p + 'attn.v.weight'),
				qkvBias:
					config.modelType === 'qwen2'
						? { q: get(p + 'attn.q.bias'), k: get(p + 'attn.k.bias'), v: get(p + 'attn.v.bias') }
						: null,
				o: get(p + 'attn.o.weight'),
				mlpNorm: get(p + 'mlp_norm.weight'),
				gate: get(p + 'mlp.gate.weight'),
				up: get(p + 'mlp.up.weight'),
				down: get(p + 'mlp.down.weight')
			};
		}),
		norm: get('norm.weight'),
		lmHead: config.tieWordEmbeddings ? null : get('lm_head.weight')
	};
}

async function readJsonObject(path: string, what: string): Promise<Record<string, unknown>> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch {
		throw new Error(`${path}: ${what} not found`);
	}
	return parseJsonObject(text, path);
}

/** The raw `config.json` object of a checkpoint, for fields the graph does not use. */
export function readCheckpointConfig(directory: string): Promise<Record<string, unknown>> {
	return readJsonObject(join(directory, 'config.json'), 'checkpoint config');
}

export async function loadCheckpoint(directory: string): Promise<DecoderWeights> {
	const configPath = join(directory, 'config.json');
	const config = parseDecoderConfig(await readCheckpointConfig(directory), configPath);
	const weightsPath = join(directory, 'model.safetensors');
	let file: Uint8Array;
	try {
		file = await readFile(weightsPath);
	} catch {
		throw new Error(`${weightsPath}: checkpoint weights not found`);
	}
	const named = new Map<string, Tensor>();
	for (const [name, entry] of parseSafetensors(file, weightsPath)) {
		const ours = ourName(name);
		if (ours === null) continue;
		const data = toFloat32(entry, name);
		const bad = data.findIndex((x) => !Number.isFinite(x));
		if (bad >= 0)
			throw new Error(`${weightsPath}: tensor ${name} holds ${data[bad]} at index ${bad}`);
		named.set(ours, { shape: entry.shape, data });
	}
	return assembleWeights(config, named, weightsPath);
}

// A checkpoint of random weights in the trainer's layout (config.json + model.safetensors),
// seeded, for exercising the build without training: unit tests and the build benchmark.
// Weights are N(0, 0.02) like the trainer's initialisation; norms are 1 plus noise so that a
// wrong norm weight cannot hide behind all-ones.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDecoderConfig } from './checkpoint';
import { serializeSafetensors } from './safetensors';
import { seededRandom } from '../../src/lib/shared/random';

export async function writeRandomCheckpoint(
	directory: string,
	fields: Record<string, unknown>,
	seed: number
): Promise<void> {
	const config = parseDecoderConfig(fields, 'random checkpoint config');
	const random = normalSource(seed);
	const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
	const add = (name: string, shape: number[], mean: number, std: number) => {
		const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
		for (let i = 0; i < data.length; i++) data[i] = mean + std * random();
		tensors[name] = { shape, data };
	};
	const { hiddenSize: d, headDim: hd, numHeads: h, numKvHeads: hkv, intermediateSize: f } = config;
	add('tok_emb.weight', [config.vocabSize, d], 0, 0.02);
	for (let i = 0; i < config.numLayers; i++) {
		const p = `layers.${i}.`;
		add(p + 'attn_norm.weight', [d], 1, 0.1);
		add(p + 'attn.q.weight', [h * hd, d], 0, 0.02);
		add(p + 'attn.k.weight', [hkv * hd, d], 0, 0.02);
		add(p + 'attn.v.weight', [hkv * hd, d], 0, 0.02);
		if (config.modelType === 'qwen2') {
			add(p + 'attn.q.bias', [h * hd], 0, 0.02);
			add(p + 'attn.k.bias', [hkv * hd], 0, 0.02);
			add(p + 'attn.v.bias', [hkv * hd], 0, 0.02);
		}
		add(p + 'attn.o.weight', [d, h * hd], 0, 0.02);
		add(p + 'mlp_norm.weight', [d], 1, 0.1);
		add(p + 'mlp.gate.weight', [f, d], 0, 0.02);
		add(p + 'mlp.up.weight', [f, d], 0, 0.02);
		add(p + 'mlp.down.weight', [d, f], 0, 0.02);
	}
	add('norm.weight', [d], 1, 0.1);
	if (!config.tieWordEmbeddings) add('lm_head.weight', [config.vocabSize, d], 0, 0.02);
	await mkdir(directory, { recursive: true });
	await writeFile(join(directory, 'model.safetensors'), serializeSafetensors(tensors));
	await writeFile(join(directory, 'config.json'), JSON.stringify(fields, null, 2) + '\n');
}

/** Standard normal draws from a seeded generator (Box–Muller). */
function normalSource(seed: number): () => number {
	const uniform = seededRandom(seed);
	return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

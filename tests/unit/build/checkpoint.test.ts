import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, parseDecoderConfig } from '../../../training/build/checkpoint';
import { writeRandomCheckpoint } from '../../../training/build/random-checkpoint';
import {
	parseSafetensors,
	serializeSafetensors,
	toFloat32
} from '../../../training/build/safetensors';

const CONFIG = {
	vocab_size: 40,
	hidden_size: 32,
	intermediate_size: 48,
	num_hidden_layers: 1,
	num_attention_heads: 4,
	num_key_value_heads: 2,
	max_position_embeddings: 16
};

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'hearth-ckpt-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Rewrites the checkpoint's tensors through `edit` (name → float32 tensor). */
async function editTensors(
	edit: (tensors: Record<string, { shape: number[]; data: Float32Array }>) => void
) {
	const path = join(dir, 'model.safetensors');
	const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
	for (const [name, entry] of parseSafetensors(await readFile(path), path)) {
		tensors[name] = { shape: entry.shape, data: toFloat32(entry, name) };
	}
	edit(tensors);
	await writeFile(path, serializeSafetensors(tensors));
}

describe('reading a checkpoint', () => {
	it('reads our names into per-layer weights with the config’s head size', async () => {
		await writeRandomCheckpoint(dir, CONFIG, 1);
		const weights = await loadCheckpoint(dir);
		expect(weights.config.headDim).toBe(8);
		expect(weights.layers[0].k.shape).toEqual([16, 32]);
		expect(weights.lmHead).toBeNull();
	});

	it('names a mis-shaped tensor with both shapes', async () => {
		await writeRandomCheckpoint(dir, CONFIG, 1);
		await editTensors((t) => {
			t['layers.0.attn.k.weight'] = { shape: [32, 32], data: new Float32Array(32 * 32) };
		});
		await expect(loadCheckpoint(dir)).rejects.toThrow(
			/model\.safetensors: tensor layers\.0\.attn\.k\.weight has shape \[32, 32\], expected \[16, 32\]/
		);
	});

	it('names a missing tensor and an unexpected one', async () => {
		await writeRandomCheckpoint(dir, CONFIG, 1);
		await editTensors((t) => delete t['layers.0.mlp.up.weight']);
		await expect(loadCheckpoint(dir)).rejects.toThrow(
			/missing tensor layers\.0\.mlp\.up\.weight, expected shape \[48, 32\]/
		);
		await writeRandomCheckpoint(dir, CONFIG, 1);
		await editTensors((t) => {
			t['layers.3.attn.q.weight'] = { shape: [1], data: new Float32Array(1) };
		});
		await expect(loadCheckpoint(dir)).rejects.toThrow(
			/unexpected tensor layers\.3\.attn\.q\.weight/
		);
	});

	it('refuses a reward model and a tensor holding NaN', async () => {
		await writeRandomCheckpoint(dir, CONFIG, 1);
		await editTensors((t) => {
			t['score.weight'] = { shape: [1, 32], data: new Float32Array(32) };
		});
		await expect(loadCheckpoint(dir)).rejects.toThrow(/score\.weight belongs to a reward model/);
		await writeRandomCheckpoint(dir, CONFIG, 1);
		await editTensors((t) => {
			t['norm.weight'].data[3] = NaN;
		});
		await expect(loadCheckpoint(dir)).rejects.toThrow(/tensor norm\.weight holds NaN at index 3/);
	});

	it('accepts Hugging Face names and gives the same weights', async () => {
		await writeRandomCheckpoint(dir, CONFIG, 1);
		const ours = await loadCheckpoint(dir);
		await editTensors((t) => {
			for (const name of Object.keys(t)) {
				const hf = name
					.replace('tok_emb.weight', 'model.embed_tokens.weight')
					.replace(/^layers\.(\d+)\.attn_norm/, 'model.layers.$1.input_layernorm')
					.replace(/^layers\.(\d+)\.mlp_norm/, 'model.layers.$1.post_attention_layernorm')
					.replace(/^layers\.(\d+)\.attn\.([qkvo])\./, 'model.layers.$1.self_attn.$2_proj.')
					.replace(/^layers\.(\d+)\.mlp\.(\w+)\./, 'model.layers.$1.mlp.$2_proj.')
					.replace(/^norm\./, 'model.norm.');
				if (hf !== name) {
					t[hf] = t[name];
					delete t[name];
				}
			}
		});
		const theirs = await loadCheckpoint(dir);
		expect(theirs.layers[0].o.data).toEqual(ours.layers[0].o.data);
		expect(theirs.embed.data).toEqual(ours.embed.data);
	});

	it('reports a safetensors header that runs past the file', async () => {
		await writeRandomCheckpoint(dir, CONFIG, 1);
		const path = join(dir, 'model.safetensors');
		const bytes = await readFile(path);
		bytes.writeBigUInt64LE(10n ** 9n, 0);
		await writeFile(path, bytes);
		await expect(loadCheckpoint(dir)).rejects.toThrow(
			/model\.safetensors: header length 1000000000 runs past the end/
		);
	});

	it('converts float16 and bfloat16 tensors to float32', () => {
		const header = JSON.stringify({
			half: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
			brain: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] }
		});
		const body = new Uint8Array(10);
		new Uint16Array(body.buffer).set([0x3c00, 0xc000, 0x3555, 0x3f80, 0xc040]); // 1, −2, ≈⅓ | 1, −3
		const file = new Uint8Array(8 + header.length + 10);
		new DataView(file.buffer).setBigUint64(0, BigInt(header.length), true);
		file.set(new TextEncoder().encode(header), 8);
		file.set(body, 8 + header.length);
		const tensors = parseSafetensors(file, 'mixed.safetensors');
		expect(Array.from(toFloat32(tensors.get('half')!, 'half'))).toEqual([1, -2, 0.333251953125]);
		expect(Array.from(toFloat32(tensors.get('brain')!, 'brain'))).toEqual([1, -3]);
	});
});

describe('the model config', () => {
	it('names the field that is wrong', () => {
		expect(() => parseDecoderConfig({ ...CONFIG, num_key_value_heads: 3 }, 'c.json')).toThrow(
			'c.json: num_attention_heads 4 is not a multiple of num_key_value_heads 3'
		);
		expect(() =>
			parseDecoderConfig({ ...CONFIG, rope_scaling: { type: 'llama3' } }, 'c.json')
		).toThrow('c.json: rope_scaling is not supported');
		expect(() => parseDecoderConfig({ ...CONFIG, hidden_size: 0 }, 'c.json')).toThrow(
			'c.json: hidden_size must be a positive integer, got 0'
		);
	});
});

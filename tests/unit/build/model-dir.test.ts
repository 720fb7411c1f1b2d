import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModelDir } from '../../../training/build/model-dir';
import { writeRandomCheckpoint } from '../../../training/build/random-checkpoint';

const TOKENIZER = 'training/demo-tokenizer';
const CONFIG = {
	vocab_size: 259,
	hidden_size: 32,
	intermediate_size: 64,
	num_hidden_layers: 2,
	num_attention_heads: 2,
	num_key_value_heads: 1,
	max_position_embeddings: 32,
	bos_token_id: null,
	eos_token_id: 258,
	pad_token_id: 256
};

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'hearth-model-dir-'));
	await writeRandomCheckpoint(join(dir, 'checkpoint'), CONFIG, 3);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('building a model directory', () => {
	it('writes the Hugging Face ONNX layout with both graphs and their per-layer data', async () => {
		const out = join(dir, 'model');
		const result = await buildModelDir({
			checkpoint: join(dir, 'checkpoint'),
			tokenizer: TOKENIZER,
			out
		});
		const onnx = (await readdir(join(out, 'onnx'))).sort();
		const perGraph = (file: string) =>
			[
				file,
				...['embed', 'head', 'layer.0', 'layer.1', 'rope'].map((g) => `${file}.${g}.data`)
			].sort();
		expect(onnx).toEqual([...perGraph('model.onnx'), ...perGraph('model_q4.onnx')].sort());
		expect((await readdir(out)).sort()).toEqual([
			'config.json',
			'generation_config.json',
			'onnx',
			'tokenizer.json',
			'tokenizer_config.json'
		]);
		expect(result.files.map((f) => f.path)).toContain('onnx/model_q4.onnx.layer.1.data');

		const config = await readJson(join(out, 'config.json'));
		expect(config.num_hidden_layers).toBe(2);
		expect(config.onnx_external_data['model_q4.onnx']).toEqual(
			['embed', 'rope', 'layer.0', 'layer.1', 'head'].map((g) => `model_q4.onnx.${g}.data`)
		);
		// <|im_end|> (the config's eos) first, then <|endoftext|>: both end a reply.
		expect(await readJson(join(out, 'generation_config.json'))).toMatchObject({
			eos_token_id: [258, 256]
		});
		expect(await readFile(join(out, 'tokenizer_config.json'), 'utf8')).toBe(
			await readFile(join(TOKENIZER, 'tokenizer_config.json'), 'utf8')
		);
		// The float embedding is the same bytes in both graphs, so a registry stores it once.
		expect(await readFile(join(out, 'onnx/model.onnx.embed.data'))).toEqual(
			await readFile(join(out, 'onnx/model_q4.onnx.embed.data'))
		);
	});

	it('replaces an existing directory only once the new one is complete', async () => {
		const out = join(dir, 'model');
		await buildModelDir({ checkpoint: join(dir, 'checkpoint'), tokenizer: TOKENIZER, out });
		await writeFile(join(out, 'stale.txt'), 'from an older build');
		await writeFile(
			join(dir, 'checkpoint', 'config.json'),
			JSON.stringify({ ...CONFIG, hidden_size: 48 })
		);
		await expect(
			buildModelDir({ checkpoint: join(dir, 'checkpoint'), tokenizer: TOKENIZER, out })
		).rejects.toThrow(/model\.safetensors: tensor \S+ has shape \[\d+, 32\], expected \[\d+, 48\]/);
		// The failed build left the previous model as it was, and nothing else behind.
		expect((await readdir(out)).sort()).toContain('stale.txt');
		expect((await readdir(dir)).sort()).toEqual(['checkpoint', 'model']);

		await writeRandomCheckpoint(join(dir, 'checkpoint'), CONFIG, 4);
		await buildModelDir({ checkpoint: join(dir, 'checkpoint'), tokenizer: TOKENIZER, out });
		expect(await readdir(out)).not.toContain('stale.txt');
		expect((await readdir(dir)).sort()).toEqual(['checkpoint', 'model']);
	});

	it('refuses a tokenizer whose ids do not fit the model', async () => {
		await writeRandomCheckpoint(
			join(dir, 'checkpoint'),
			{ ...CONFIG, vocab_size: 200, eos_token_id: 1 },
			3
		);
		await expect(
			buildModelDir({
				checkpoint: join(dir, 'checkpoint'),
				tokenizer: TOKENIZER,
				out: join(dir, 'model')
			})
		).rejects.toThrow(/tokenizer\.json: token id 258 does not fit the model's vocab_size 200/);
		expect(await readdir(dir)).toEqual(['checkpoint']);
	});
});

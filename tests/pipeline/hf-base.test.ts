// The first version of a new registry model, started from a Hugging Face base model directory as
// an operator downloads SmolLM2 (here a tiny Llama the test writes, tests/support/hf-base.ts):
// one `--from <dir>` run fine-tunes it (sft, rm, dpo), builds and evaluates the ONNX graphs and
// publishes version 1, whose tokenizer and chat template are the base's own files. It needs no
// ci run, so it is a project of its own in vitest.config.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVersionManifest, type VersionManifest } from '../../src/lib/protocol/registry';
import { OnnxDecoder } from '../../training/build/onnx-decoder';
import { parseSafetensors, toFloat32 } from '../../training/build/safetensors';
import { loadChatFormat } from '../../training/datasets/load-chat-format';
import { resolvePython } from '../../scripts/setup.mjs';
import { SMOLLM2_CHAT_TEMPLATE, TINY_LLAMA, writeHfBase } from '../support/hf-base';

const NAME = 'hf-base';
const MODEL = 'hearth-smol-test';
let work: string;
let base: string;
let registry: string;
let sizes: ReturnType<typeof writeHfBase>;
let run: ReturnType<typeof spawnSync>;
let manifest: VersionManifest;

const blob = (sha256: string) => readFileSync(join(registry, 'blobs', 'sha256', sha256));
const fileOf = (path: string) => {
	const entry = manifest.files.find((f) => f.path === path);
	if (!entry) throw new Error(`version 1 has no ${path}`);
	return blob(entry.sha256);
};

/** The ci config, trained briefly: the point is the path through every stage, not the skill. */
function configFile(): string {
	const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
	config.name = NAME;
	config.model_name = MODEL;
	config.seed_trees = 120;
	// bf16 pays off on big matrices; on this tiny model its overhead makes fp32 faster.
	config.precision = 'fp32';
	config.sft = { ...config.sft, steps: 20, warmup: 2, batch_size: 8 };
	config.rm = { ...config.rm, steps: 10, warmup: 1, batch_size: 4 };
	config.dpo = { ...config.dpo, steps: 5, warmup: 1, batch_size: 8 };
	config.eval = { max_new_tokens: 16 };
	const path = join(work, `${NAME}.json`);
	writeFileSync(path, JSON.stringify(config));
	return path;
}

beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'hearth-hf-base-'));
	base = join(work, 'SmolLM2-tiny-Instruct');
	registry = join(work, 'registry');
	sizes = writeHfBase(base);
	run = spawnSync(
		'node_modules/.bin/tsx',
		['training/pipeline.ts', '--config', configFile(), '--from', base, '--registry', registry],
		{ encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } }
	);
	if (run.status === 0) {
		manifest = parseVersionManifest(
			JSON.parse(readFileSync(join(registry, MODEL, 'versions', '1.json'), 'utf8')),
			'version 1'
		);
	}
});
afterAll(() => {
	rmSync(work, { recursive: true, force: true });
	rmSync(`training/out/${NAME}`, { recursive: true, force: true });
});

describe('a new registry model from a Hugging Face base directory', () => {
	it('publishes version 1 of the new model, with no parent', () => {
		expect(run.status, String(run.stderr).slice(-3000)).toBe(0);
		expect(run.stdout).toContain(`base model ${base} decides, not the config`);
		const index = JSON.parse(readFileSync(join(registry, MODEL, 'index.json'), 'utf8'));
		expect(index.latest).toBe(1);
		expect(manifest).toMatchObject({ model: MODEL, version: 1, parent: null });
	});

	it('ships the base’s tokenizer.json and tokenizer_config.json byte for byte', () => {
		for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
			expect(fileOf(name).equals(readFileSync(join(base, name))), name).toBe(true);
		}
		expect(JSON.parse(fileOf('tokenizer_config.json').toString()).chat_template).toBe(
			SMOLLM2_CHAT_TEMPLATE
		);
		const generation = JSON.parse(fileOf('generation_config.json').toString());
		expect(generation.eos_token_id).toEqual([2, 0]); // <|im_end|>, then <|endoftext|>
	});

	it('keeps the base’s shape, and a fine-tuned checkpoint of it', () => {
		const config = JSON.parse(fileOf('config.json').toString());
		expect(config).toMatchObject({
			architectures: ['LlamaForCausalLM'],
			...TINY_LLAMA,
			vocab_size: sizes.vocabSize
		});
		expect(manifest.checkpoint?.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
		const weights = manifest.checkpoint!.find((f) => f.path === 'model.safetensors')!;
		const tensors = parseSafetensors(blob(weights.sha256), 'checkpoint');
		const trained = toFloat32(tensors.get('tok_emb.weight')!, 'tok_emb.weight');
		const original = parseSafetensors(readFileSync(join(base, 'model.safetensors')), 'base');
		const start = toFloat32(original.get('model.embed_tokens.weight')!, 'embed');
		expect(tensors.get('tok_emb.weight')!.shape).toEqual([sizes.vocabSize, TINY_LLAMA.hidden_size]);
		// Fine-tuned from the base, not trained afresh: close to it, yet moved.
		let moved = 0;
		for (let i = 0; i < start.length; i++) moved = Math.max(moved, Math.abs(trained[i] - start[i]));
		expect(moved).toBeGreaterThan(1e-4);
		expect(moved).toBeLessThan(0.5);
	});

	it('runs its ONNX graph in onnxruntime-node with the checkpoint’s logits', async () => {
		const model = join(work, 'published');
		for (const file of [
			...manifest.files,
			...manifest.checkpoint!.map((f) => ({ ...f, path: `checkpoint/${f.path}` }))
		]) {
			mkdirSync(dirname(join(model, file.path)), { recursive: true });
			writeFileSync(join(model, file.path), blob(file.sha256));
		}
		const format = loadChatFormat(model);
		const ids = format.promptIds([{ role: 'user', content: 'What is 12 + 30?' }]);
		const decoder = await OnnxDecoder.load(model, 'fp32');
		const { logits } = await decoder.forward([ids]);
		expect(logits).toHaveLength(ids.length * sizes.vocabSize);
		const torch = JSON.parse(
			execFileSync(resolvePython(), ['-m', 'tests.pipeline.torch_reference', 'logits'], {
				input: JSON.stringify({ checkpoint: join(model, 'checkpoint'), input_ids: [ids] })
			}).toString()
		) as { logits: number[][][] };
		const expected = torch.logits[0].flat();
		let worst = 0;
		for (let i = 0; i < expected.length; i++)
			worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
		expect(worst).toBeLessThan(1e-3);
	});
});

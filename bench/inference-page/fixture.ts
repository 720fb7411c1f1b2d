// Node side of the inference harness: builds the harness page, finds or builds a tiny model, and
// serves both from the real sync server (its COOP/COEP headers make the page cross-origin
// isolated, so WASM threads work, and its CSP is the app's).
import { spawnSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startHearthServer } from '../../tests/e2e/support/hearth-server';
import { serializeSafetensors } from '../../training/build/safetensors';

/** The model the pipeline's CI run builds (tests/pipeline), when it has run. */
export const pipelineModelDir = 'training/out/ci/model';

export interface Harness {
	url: string;
	/** Where the model's files are served, e.g. http://localhost:1234/model */
	modelBase: string;
	modelDir: string;
	/** Every file of the model layout, relative to its folder (`onnx/model_q4.onnx`, …). */
	modelPaths: string[];
	stop(): Promise<void>;
}

function run(command: string, args: string[]): void {
	const result = spawnSync(command, args, {
		stdio: ['ignore', 'ignore', 'pipe'],
		encoding: 'utf8'
	});
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`
		);
	}
}

function listFiles(directory: string): string[] {
	return readdirSync(directory, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(directory, join(entry.parentPath, entry.name)).split('\\').join('/'))
		.sort();
}

/** A deterministic random Llama checkpoint on the demo tokenizer, built into ONNX by the pipeline's own builder. */
function buildRandomModel(into: string): string {
	const config = {
		model_type: 'llama',
		vocab_size: 259,
		hidden_size: 64,
		intermediate_size: 128,
		num_hidden_layers: 2,
		num_attention_heads: 4,
		num_key_value_heads: 2,
		max_position_embeddings: 256,
		rope_theta: 10000,
		rms_norm_eps: 1e-5,
		tie_word_embeddings: true,
		bos_token_id: null,
		eos_token_id: 258,
		pad_token_id: 256
	};
	let state = 12345;
	// Wide weights so that logits are far apart and greedy choices do not hinge on rounding.
	const random = (length: number, scale: number) =>
		Float32Array.from({ length }, () => {
			state = (Math.imul(state, 1103515245) + 12345) >>> 0;
			return (state / 2 ** 32 - 0.5) * 2 * scale;
		});
	const {
		vocab_size: V,
		hidden_size: D,
		intermediate_size: F,
		num_attention_heads: H,
		num_key_value_heads: Hkv
	} = config;
	const hd = D / H;
	const tensor = (shape: number[], scale: number) => ({
		shape,
		data: random(shape[0] * (shape[1] ?? 1), scale)
	});
	const ones = (n: number) => ({ shape: [n], data: new Float32Array(n).fill(1) });
	const tensors: Record<string, { shape: number[]; data: Float32Array }> = {
		'tok_emb.weight': tensor([V, D], 1),
		'norm.weight': ones(D)
	};
	for (let i = 0; i < config.num_hidden_layers; i++) {
		Object.assign(tensors, {
			[`layers.${i}.attn_norm.weight`]: ones(D),
			[`layers.${i}.attn.q.weight`]: tensor([H * hd, D], 0.3),
			[`layers.${i}.attn.k.weight`]: tensor([Hkv * hd, D], 0.3),
			[`layers.${i}.attn.v.weight`]: tensor([Hkv * hd, D], 0.3),
			[`layers.${i}.attn.o.weight`]: tensor([D, H * hd], 0.3),
			[`layers.${i}.mlp_norm.weight`]: ones(D),
			[`layers.${i}.mlp.gate.weight`]: tensor([F, D], 0.3),
			[`layers.${i}.mlp.up.weight`]: tensor([F, D], 0.3),
			[`layers.${i}.mlp.down.weight`]: tensor([D, F], 0.3)
		});
	}
	const checkpoint = join(into, 'checkpoint');
	mkdirSync(checkpoint, { recursive: true });
	writeFileSync(join(checkpoint, 'config.json'), JSON.stringify(config));
	writeFileSync(join(checkpoint, 'model.safetensors'), serializeSafetensors(tensors));
	const model = join(into, 'model');
	run('npx', [
		'tsx',
		'training/build/cli.ts',
		'--checkpoint',
		checkpoint,
		'--tokenizer',
		'training/demo-tokenizer',
		'--out',
		model
	]);
	return model;
}

/** Builds the page and a model when needed, and serves them; `stop()` removes everything it made. */
export async function startHarness(): Promise<Harness> {
	const scratch = mkdtempSync(join(tmpdir(), 'hearth-inference-harness-'));
	try {
		const page = join(scratch, 'page');
		run('npx', [
			'vite',
			'build',
			'--config',
			'bench/inference-page/vite.config.ts',
			'--outDir',
			page
		]);
		const modelDir = existsSync(join(pipelineModelDir, 'onnx', 'model_q4.onnx'))
			? pipelineModelDir
			: buildRandomModel(scratch);
		const server = await startHearthServer(page);
		cpSync(modelDir, join(server.staticDir, 'model'), { recursive: true });
		return {
			url: server.url,
			modelBase: `${server.url}/model`,
			modelDir,
			modelPaths: listFiles(modelDir),
			stop: async () => {
				await server.stop();
				rmSync(scratch, { recursive: true, force: true });
			}
		};
	} catch (error) {
		rmSync(scratch, { recursive: true, force: true });
		throw error;
	}
}

// A model registry holding the demo model exactly as the pipeline's `ci` run built and
// evaluated it, published under the name the app's record asks for (`registry:hearth-demo`),
// plus what that run's own evaluation says the model answers, so the browser's replies can be
// compared with the pipeline's.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CI_OUT = 'training/out/ci';

export interface DemoRegistry {
	dir: string;
	/** Eval prompts with the greedy reply of the published (int4) graph, from report.json. */
	greedy: { prompt: string; output: string; stopped: boolean }[];
	/** The evaluation's max_new_tokens: the browser must be given the same limit. */
	maxNewTokens: number;
	/** A private copy of the registry, for a test that publishes into it. */
	copy(): string;
	/** Publishes the model into `registry` again with `change` applied to its files: a new version. */
	publishChanged(registry: string, change: (modelDir: string) => void): void;
	remove(): void;
}

function run(args: string[], what: string): void {
	const result = spawnSync(args[0], args.slice(1), {
		stdio: ['ignore', 'ignore', 'pipe'],
		encoding: 'utf8'
	});
	if (result.status !== 0) {
		const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
		throw new Error(`${what} failed (exit ${result.status}):\n${tail}`);
	}
}

function publish(registry: string, modelDir: string): void {
	run(
		[
			'node_modules/.bin/tsx',
			'training/publish/cli.ts',
			...['--model', modelDir, '--name', 'hearth-demo', '--registry', registry],
			...['--report', join(CI_OUT, 'eval/report.json')],
			// The trained weights too, so the loop can fine-tune this version (browsers never fetch them).
			...['--checkpoint', join(CI_OUT, 'checkpoints/dpo')],
			...['--data', join(CI_OUT, 'data/manifest.json')]
		],
		'publishing the demo model'
	);
}

/**
 * Runs (or, when its inputs are unchanged, reuses) the `ci` pipeline under the same lock as the
 * pipeline tests; its model and evaluation are then in training/out/ci.
 */
export function ensureCiRun(): void {
	// The pipeline publishes its own run (as hearth-ci) somewhere; only its files are needed here.
	const ciRegistry = mkdtempSync(join(tmpdir(), 'hearth-e2e-ci-registry-'));
	try {
		run(
			[
				'flock',
				join(tmpdir(), 'hearth-pipeline-ci.lock'),
				...['node_modules/.bin/tsx', 'training/pipeline.ts', '--config', 'ci'],
				...['--registry', ciRegistry, '--reuse']
			],
			'the ci pipeline'
		);
	} finally {
		rmSync(ciRegistry, { recursive: true, force: true });
	}
}

/** The ci run's model (see ensureCiRun), published into a fresh registry. */
export function prepareDemoRegistry(): DemoRegistry {
	ensureCiRun();
	const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-registry-'));
	publish(dir, join(CI_OUT, 'model'));

	const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
	const maxNewTokens: number = config.eval?.max_new_tokens ?? 48;
	const report = JSON.parse(readFileSync(join(CI_OUT, 'eval/report.json'), 'utf8'));
	type Greedy = { tree_id: string; output: string; finish_reason: 'stop' | 'length' };
	const outputs = new Map(
		(report['onnx.q4.greedy'] as Greedy[]).map((g) => [
			g.tree_id,
			{ output: g.output, stopped: g.finish_reason === 'stop' }
		])
	);
	const greedy = readFileSync(join(CI_OUT, 'data/eval.jsonl'), 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as { tree_id: string; messages: { content: string }[] })
		.filter((example) => example.messages.length === 1 && outputs.has(example.tree_id))
		.map((example) => ({ prompt: example.messages[0].content, ...outputs.get(example.tree_id)! }));

	return {
		dir,
		greedy,
		maxNewTokens,
		copy() {
			const copy = mkdtempSync(join(tmpdir(), 'hearth-e2e-registry-'));
			cpSync(dir, copy, { recursive: true });
			return copy;
		},
		publishChanged(registry, change) {
			const model = mkdtempSync(join(tmpdir(), 'hearth-e2e-model-'));
			try {
				cpSync(join(CI_OUT, 'model'), model, { recursive: true });
				change(model);
				publish(registry, model);
			} finally {
				rmSync(model, { recursive: true, force: true });
			}
		},
		remove: () => rmSync(dir, { recursive: true, force: true })
	};
}

/** A change that makes a new version sharing every weight blob with the old one. */
export function touchConfig(modelDir: string): void {
	const path = join(modelDir, 'generation_config.json');
	const config = JSON.parse(readFileSync(path, 'utf8'));
	writeFileSync(path, JSON.stringify({ ...config, hearth_e2e_revision: 2 }, null, 2));
}

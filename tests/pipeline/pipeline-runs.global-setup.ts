// Runs the `ci` pipeline once for the whole pipeline suite, publishing into a temporary
// registry. (The demo model is not trained here: it ships in shipped-models/, and
// shipped-demo-model.test.ts holds it to its bars.) A run already in training/out/ci whose
// recorded inputs digest matches today's sources and config is reused (only publish runs
// again), so re-running the suite after an unrelated change costs seconds instead of a training
// run. The pipeline's own lock makes a second suite (or a hand-started run) wait rather than
// write the same files at the same time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface PipelineRun {
	/** training/out/<config>: data/, checkpoints/, eval/report.json, model/ */
	outDir: string;
	/** The temporary registry the run published into (removed after the suite). */
	registry: string;
}

declare module 'vitest' {
	export interface ProvidedContext {
		ciRun: PipelineRun;
	}
}

function runPipeline(config: 'ci', registries: string[]): PipelineRun {
	const registry = mkdtempSync(join(tmpdir(), `hearth-${config}-registry-`));
	registries.push(registry);
	const run = spawnSync(
		'node_modules/.bin/tsx',
		['training/pipeline.ts', '--config', config, '--registry', registry, '--reuse'],
		{ stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' }
	);
	if (run.status !== 0) {
		const tail = run.stderr.trim().split('\n').slice(-15).join('\n');
		throw new Error(`the ${config} pipeline failed (exit ${run.status}):\n${tail}`);
	}
	return { outDir: `training/out/${config}`, registry };
}

export default function setup(project: TestProject): () => void {
	const registries: string[] = [];
	const removeRegistries = () => {
		for (const registry of registries) rmSync(registry, { recursive: true, force: true });
	};
	try {
		project.provide('ciRun', runPipeline('ci', registries));
	} catch (error) {
		removeRegistries();
		throw error;
	}
	return removeRegistries;
}

// Runs the `ci` pipeline once for the whole pipeline suite, publishing into a temporary registry.
// A run already in training/out/ci whose recorded inputs digest matches today's sources and
// configs is reused (only publish runs again), so re-running the suite after an unrelated
// change costs seconds instead of a training run. The pipeline's own lock makes a second suite
// (or a hand-started run) wait rather than write the same files at the same time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface CiRun {
	/** training/out/ci: data/, checkpoints/, eval/report.json, model/ */
	outDir: string;
	/** The temporary registry the run published into (removed after the suite). */
	registry: string;
}

declare module 'vitest' {
	export interface ProvidedContext {
		ciRun: CiRun;
	}
}

export default function setup(project: TestProject): () => void {
	const registry = mkdtempSync(join(tmpdir(), 'hearth-ci-registry-'));
	const run = spawnSync(
		'node_modules/.bin/tsx',
		['training/pipeline.ts', '--config', 'ci', '--registry', registry, '--reuse'],
		{ stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' }
	);
	if (run.status !== 0) {
		rmSync(registry, { recursive: true, force: true });
		const tail = run.stderr.trim().split('\n').slice(-15).join('\n');
		throw new Error(`the ci pipeline failed (exit ${run.status}):\n${tail}`);
	}
	project.provide('ciRun', { outDir: 'training/out/ci', registry });
	return () => rmSync(registry, { recursive: true, force: true });
}

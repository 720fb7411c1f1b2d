// The loop, one command: the ci model the suite published (with its checkpoint) is the parent; an
// OpenAssistant-shaped oasst file is the community's data; the pipeline fetches the parent,
// fine-tunes only its top layer on the community trees and a seed replay, evaluates both
// versions on the same held-out sets (and the child's replies against the parent's, judged by
// the run's reward model), passes the gate and publishes version 2, whose untouched
// layers keep their blobs. A run that destroys the model is refused and publishes nothing.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseVersionManifest, type VersionManifest } from '../../src/lib/protocol/registry';

const { registry: suiteRegistry } = inject('ciRun');
const COMMUNITY = 'tests/fixtures/oasst/trees.jsonl';
let work: string;
let registry: string;

/**
 * A ci config fine-tuning the top layer of three, briefly, under its own name and out dir. The
 * file holds three trees, so most of the mixture is seed replay: enough rows for a batch.
 */
function loopConfig(name: string, sftLr: number): string {
	const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
	config.name = name;
	config.mixture = { seed_share: 0.9, community_val_fraction: 0.3 };
	// The ci model answers few held-out questions; a brief fine-tune may flip a few of them.
	config.gate = {
		...{ exact_match_drop: 0.1, skill_drop: 0.2, min_skill_questions: 20, ppl_rise: 0.25 },
		// The judge of the win rate must beat chance; the child must not lose to its parent.
		...{ min_win_rate: 0.4, min_rm_accuracy: 0.55 }
	};
	const top = { trainable_layers: 1, batch_size: 4 };
	config.sft = { ...config.sft, ...top, steps: 30, warmup: 3, lr: sftLr };
	config.rm = { ...config.rm, ...top, steps: 20, warmup: 2 };
	config.dpo = { ...config.dpo, ...top, steps: 10, warmup: 1 };
	const path = join(work, `${name}.json`);
	writeFileSync(path, JSON.stringify(config));
	return path;
}

function loop(config: string) {
	return spawnSync(
		'node_modules/.bin/tsx',
		[
			...['training/pipeline.ts', '--config', config, '--registry', registry],
			...['--from', 'hearth-ci@latest', '--from-file', COMMUNITY]
		],
		{ encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } }
	);
}

const manifestOf = (version: number): VersionManifest =>
	parseVersionManifest(
		JSON.parse(readFileSync(join(registry, `hearth-ci/versions/${version}.json`), 'utf8')),
		`version ${version}`
	);

beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'hearth-loop-'));
	registry = join(work, 'registry');
	cpSync(suiteRegistry, registry, { recursive: true });
});
afterAll(() => {
	rmSync(work, { recursive: true, force: true });
	for (const name of ['ci-loop', 'ci-loop-bad'])
		rmSync(`training/out/${name}`, { recursive: true, force: true });
});

describe('one command from the community’s trees to a published child version', () => {
	let run: ReturnType<typeof loop>;
	beforeAll(() => {
		run = loop(loopConfig('ci-loop', 5e-4));
	});

	it('publishes version 2 as the child of version 1, traced to the community snapshot', () => {
		expect(run.status, run.stderr.slice(-2000)).toBe(0);
		const child = manifestOf(2);
		expect(child.parent).toBe(1);
		const snapshot = JSON.parse(readFileSync('training/out/ci-loop/export/manifest.json', 'utf8'));
		expect(child.training_data).toMatchObject({
			snapshot_sha256: snapshot.sha256,
			trees: { community: 3 },
			used: { community: { train: 2, val: 1 } }
		});
		expect(child.checkpoint?.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
		// A replay of a few seed trees still lists every skill version 1 had.
		expect(child.skills?.map((s) => s.name)).toEqual(
			expect.arrayContaining(manifestOf(1).skills!.map((s) => s.name))
		);
	});

	it('keeps the gate’s side-by-side comparison in the manifest', () => {
		const { evaluation } = manifestOf(2);
		const gate = evaluation.gate as {
			parent: unknown;
			passed: boolean;
			checks: { figure: string; parent: number | null; child: number; passed: boolean }[];
		};
		expect(gate.parent).toEqual({ model: 'hearth-ci', version: 1 });
		expect(gate.passed).toBe(true);
		expect(gate.checks.map((c) => c.figure)).toContain('onnx.q4.exact_match');
		expect(run.stdout).toContain('gate: passed');
		// The new policy against the published parent's on this run's held-out prompts, judged by
		// this run's reward model; beside that judge, the parent's own as its manifest records it.
		expect(evaluation['win_rate.parent']).toEqual({ model: 'hearth-ci', version: 1 });
		const check = (figure: string) => gate.checks.find((c) => c.figure === figure);
		expect(check('win_rate.vs_parent')).toMatchObject({
			parent: 0.5,
			child: evaluation['win_rate.vs_parent'],
			passed: true
		});
		expect(check('rm.pairwise_accuracy')).toMatchObject({
			parent: manifestOf(1).evaluation['rm.pairwise_accuracy'],
			child: evaluation['rm.pairwise_accuracy'],
			passed: true
		});
		expect(run.stdout).toMatch(/win_rate\.vs_parent\s+0\.500\s+\d\.\d{3}\s+≥ 0\.400\s+ok/);
	});

	it('changes only the top layer’s blobs, so an update downloads a fraction of the model', () => {
		const [parent, child] = [manifestOf(1), manifestOf(2)];
		const shaOf = (m: VersionManifest) => new Map(m.files.map((f) => [f.path, f.sha256]));
		const before = shaOf(parent);
		const changed = child.files.filter((f) => before.get(f.path) !== f.sha256).map((f) => f.path);
		// Three layers; the top one (2) trained, its external data files changed in both graphs.
		expect(changed.filter((p) => p.includes('.layer.'))).toEqual(
			expect.arrayContaining(['onnx/model.onnx.layer.2.data', 'onnx/model_q4.onnx.layer.2.data'])
		);
		for (const layer of [0, 1]) {
			expect(changed.some((p) => p.includes(`.layer.${layer}.`))).toBe(false);
		}
		expect(changed.some((p) => p.includes('.embed.'))).toBe(false);
		const bytes = (files: VersionManifest['files']) => files.reduce((n, f) => n + f.size, 0);
		const fetched = bytes(child.files.filter((f) => changed.includes(f.path)));
		expect(fetched).toBeLessThan(bytes(child.files) / 2);
	});
});

describe('a run that destroys the model', () => {
	it('is refused by the gate with the figures that failed, and publishes nothing', () => {
		const before = readFileSync(join(registry, 'hearth-ci/index.json'), 'utf8');
		const run = loop(loopConfig('ci-loop-bad', 3));
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('stage gate failed');
		expect(run.stderr).toMatch(/worse than its parent hearth-ci version \d: onnx\.q4\./);
		expect(readFileSync(join(registry, 'hearth-ci/index.json'), 'utf8')).toBe(before);
		// The refusal names every failing figure with its value, the loop's two among them if they fail.
		const report = JSON.parse(readFileSync('training/out/ci-loop-bad/eval/report.json', 'utf8'));
		// Its parent is now version 2, the child the good run published.
		expect(report['win_rate.parent']).toEqual(report.gate.parent);
		const checks = report.gate.checks as { figure: string; child: number; passed: boolean }[];
		expect(checks.map((c) => c.figure)).toEqual(
			expect.arrayContaining(['win_rate.vs_parent', 'rm.pairwise_accuracy'])
		);
		for (const failed of checks.filter((c) => !c.passed))
			expect(run.stderr).toContain(`${failed.figure} ${failed.child.toFixed(3)} (parent`);
	});
});

// RL on the reward model, at CI size: the ci run's checkpoints (its sft, reward model and DPO
// policy) are copied under a config of their own whose policy is dpo then rloo, and only the
// rloo stage, the evaluation, the build and the ONNX evaluation run on them. RLOO must raise the
// reward model's score of the policy's greedy replies to held-out prompts, and the release gate's
// own comparison must hold the new policy's exact match against the DPO policy it started from.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../training/configs/config';
import { gateChecks } from '../../training/gate/compare';

const { outDir: ciOut } = inject('ciRun');
const NAME = 'ci-rloo';
const OUT = `training/out/${NAME}`;
const STAGES = ['rloo', 'evaluate', 'build', 'evaluate-onnx'];

let work: string;
let configPath: string;
let run: SpawnSyncReturns<string>;
let seconds: number;

type Report = Record<string, unknown>;
const readReport = (dir: string): Report =>
	JSON.parse(readFileSync(`${dir}/eval/report.json`, 'utf8')) as Report;

beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'hearth-rloo-'));
	const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
	config.name = NAME;
	config.policy = ['dpo', 'rloo'];
	configPath = join(work, `${NAME}.json`);
	writeFileSync(configPath, JSON.stringify(config));
	rmSync(OUT, { recursive: true, force: true });
	for (const dir of ['data', 'checkpoints'])
		cpSync(`${ciOut}/${dir}`, `${OUT}/${dir}`, { recursive: true });
	const started = Date.now();
	run = spawnSync(
		'node_modules/.bin/tsx',
		['training/pipeline.ts', '--config', configPath, '--stages', STAGES.join(',')],
		{ encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } }
	);
	seconds = (Date.now() - started) / 1000;
});

afterAll(() => {
	rmSync(work, { recursive: true, force: true });
	rmSync(OUT, { recursive: true, force: true });
});

describe('RLOO on the ci model’s reward model, after its DPO policy', () => {
	it('runs the rloo stage on the DPO policy and builds the RLOO policy', () => {
		expect(run.status, run.stderr.slice(-2000)).toBe(0);
		expect(run.stdout).toMatch(
			/rloo: \d+ steps in [\d.]+ s \([\d.]+ steps\/s\) on .+, reward-model score/
		);
		expect(run.stdout).toContain(`--checkpoint ${OUT}/checkpoints/rloo`);
		console.log(`rloo, evaluate, build and evaluate-onnx took ${seconds.toFixed(1)} s`);
	});

	it('raises the reward model’s score of its greedy replies to held-out prompts', () => {
		const report = readReport(OUT);
		const [before, after] = [report['rm_score.dpo'], report['rm_score.rloo']] as number[];
		// The starting point is the ci run's own published policy, measured the same way.
		expect(before).toBe(readReport(ciOut)['rm_score.dpo']);
		console.log(`held-out reward-model score: dpo ${before.toFixed(3)} → rloo ${after.toFixed(3)}`);
		expect(after).toBeGreaterThan(before);
	});

	it('passes the release gate’s comparison with the DPO policy it started from', () => {
		const gate = loadConfig(configPath).gate;
		const checks = gateChecks(readReport(OUT), readReport(ciOut), gate);
		const figures = checks.map((c) => `${c.figure} ${c.parent} → ${c.child} (${c.bound})`);
		console.log(`the gate against the DPO policy:\n  ${figures.join('\n  ')}`);
		expect(checks.map((c) => c.figure)).toContain('onnx.q4.exact_match');
		for (const check of checks) expect(check, check.figure).toMatchObject({ passed: true });
	});
});

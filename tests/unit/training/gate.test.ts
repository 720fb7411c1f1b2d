// The release gate: the new version against its parent on the same held-out sets.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateChecks, gateTable } from '../../../training/gate/compare';

const tolerances = {
	exact_match_drop: 0.02,
	skill_drop: 0.1,
	min_skill_questions: 20,
	ppl_rise: 0.05
};
const parent = {
	'onnx.eval_counts': { addition: 40, weekday: 25, subtraction: 5, community: 30 },
	'onnx.q4.exact_match.subtraction': 0.8,
	'onnx.q4.exact_match': 0.8,
	'onnx.q4.exact_match.addition': 0.9,
	'onnx.q4.exact_match.weekday': 0.7,
	'onnx.q4.exact_match.variation.later-turn': 0.6,
	'onnx.q4.exact_match.seen': 0.95,
	'onnx.q4.val_ppl': 2.0,
	'onnx.fp32.exact_match': 0.81,
	'onnx.q4.greedy': []
};

describe('gate checks', () => {
	it('pass a version within every tolerance, skills and perplexity included', () => {
		const child = {
			...parent,
			'onnx.q4.exact_match': 0.785,
			'onnx.q4.exact_match.weekday': 0.6,
			// Five questions: one wrong answer is 0.2, so the skill is not compared alone.
			'onnx.q4.exact_match.subtraction': 0.4,
			'onnx.q4.val_ppl': 2.09,
			// A skill the parent never had: nothing to be worse than.
			'onnx.q4.exact_match.community': 0.5
		};
		const checks = gateChecks(child, parent, tolerances);
		expect(checks.map((c) => [c.figure, c.passed])).toEqual([
			['onnx.q4.exact_match', true],
			['onnx.q4.exact_match.addition', true],
			['onnx.q4.exact_match.weekday', true],
			['onnx.q4.val_ppl', true]
		]);
		expect(checks[3].bound).toBe('≤ 2.100');
	});

	it('fail each figure that fell beyond its tolerance', () => {
		const child = {
			...parent,
			'onnx.q4.exact_match': 0.77,
			'onnx.q4.exact_match.weekday': 0.59,
			'onnx.q4.val_ppl': 2.2,
			'onnx.q4.exact_match.variation.later-turn': 0.1
		};
		const failed = gateChecks(child, parent, tolerances).filter((c) => !c.passed);
		expect(failed.map((c) => c.figure)).toEqual([
			'onnx.q4.exact_match',
			'onnx.q4.exact_match.weekday',
			'onnx.q4.val_ppl'
		]);
		expect(gateTable(failed)).toContain(
			'onnx.q4.exact_match.weekday    0.700    0.590  ≥ 0.600    WORSE'
		);
	});

	it('compare the community held-out questions once the parent has been measured on them', () => {
		const measured = { ...parent, 'onnx.q4.exact_match.community': 0.1 };
		const child = { ...parent, 'onnx.q4.exact_match.community': 0.75 };
		expect(gateChecks(child, measured, tolerances)).toContainEqual(
			expect.objectContaining({ figure: 'onnx.q4.exact_match.community', passed: true })
		);
	});
});

describe('gate command line', { timeout: 60_000 }, () => {
	const run = (child: Record<string, unknown>, ...extra: string[]) => {
		const dir = mkdtempSync(join(tmpdir(), 'hearth-gate-'));
		const report = join(dir, 'report.json');
		writeFileSync(report, JSON.stringify(child));
		const parentDir = join(dir, 'parent');
		mkdirSync(parentDir);
		writeFileSync(join(parentDir, 'report.json'), JSON.stringify(parent));
		writeFileSync(join(parentDir, 'parent.json'), '{"model": "hearth-ci", "version": 4}');
		const result = spawnSync(
			'node_modules/.bin/tsx',
			[
				...['training/gate/cli.ts', '--config', 'training/configs/ci.json'],
				...['--report', report, '--parent', parentDir, ...extra]
			],
			{ encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } }
		);
		return { ...result, report: JSON.parse(readFileSync(report, 'utf8')) };
	};
	const worse = { ...parent, 'onnx.q4.exact_match': 0.3, 'onnx.q4.val_ppl': 9.5 };

	it('refuses a worse version with the figures that failed, and keeps them in the report', () => {
		const result = run(worse);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(
			'error: the new version is worse than its parent hearth-ci version 4: onnx.q4.exact_match 0.300 (parent 0.800, needs ≥ 0.780); onnx.q4.val_ppl 9.500 (parent 2.000, needs ≤ 2.100). Nothing was published; --force publishes it anyway'
		);
		expect(result.report.gate).toMatchObject({
			parent: { model: 'hearth-ci', version: 4 },
			passed: false,
			forced: false
		});
	});

	it('lets --force through, saying so', () => {
		const result = run(worse, '--force');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('published anyway (--force)');
		expect(result.report.gate).toMatchObject({ passed: false, forced: true });
	});

	it('passes an equal version and prints both side by side', () => {
		const result = run(parent);
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toContain(
			'gate: the new version against its parent, hearth-ci version 4'
		);
		expect(result.stdout).toMatch(/onnx\.q4\.exact_match\s+0\.800\s+0\.800\s+≥ 0\.780\s+ok/);
		expect(result.report.gate.passed).toBe(true);
	});
});

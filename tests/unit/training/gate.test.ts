// The release gate: the new version against its parent on the same held-out sets.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureText, gateChecks, gateProblems, gateTable } from '../../../training/gate/compare';

const tolerances = {
	exact_match_drop: 0.02,
	skill_drop: 0.1,
	min_skill_questions: 20,
	ppl_rise: 0.05,
	min_win_rate: 0.4,
	min_rm_accuracy: 0.55
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
/** The parent stage's parent.json, and the figures of the loop evaluate adds with --parent. */
const parentRef = { model: 'hearth-ci', version: 4 };
const loopFigures = {
	'win_rate.vs_parent': 0.55,
	'win_rate.parent': parentRef,
	'rm.pairwise_accuracy': 0.8
};
/** The parent's manifest evaluation: its reward model on its own held-out pairs. */
const published = { 'rm.pairwise_accuracy': 0.82, 'onnx.q4.exact_match': 0.79 };

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
		const checks = gateChecks({ ...child, ...loopFigures }, parent, tolerances, published);
		expect(checks.map((c) => [c.figure, c.passed])).toEqual([
			['onnx.q4.exact_match', true],
			['onnx.q4.exact_match.addition', true],
			['onnx.q4.exact_match.weekday', true],
			['onnx.q4.val_ppl', true],
			['win_rate.vs_parent', true],
			['rm.pairwise_accuracy', true]
		]);
		expect(checks[3].bound).toBe('≤ 2.100');
	});

	it('hold the win rate over the parent and the judge’s accuracy to the config’s floors', () => {
		const checks = gateChecks({ ...parent, ...loopFigures }, parent, tolerances, published);
		// A policy against itself ties; the parent's reward model is shown, not compared: it was
		// measured on the parent's own held-out pairs.
		expect(checks.slice(-2)).toEqual([
			{
				figure: 'win_rate.vs_parent',
				parent: 0.5,
				child: 0.55,
				bound: '≥ 0.400',
				passed: true,
				note: 'against itself'
			},
			{
				figure: 'rm.pairwise_accuracy',
				parent: 0.82,
				child: 0.8,
				bound: '≥ 0.550',
				passed: true,
				note: 'on its own held-out pairs'
			}
		]);
		// Exactly at the floor passes.
		const atFloor = { ...parent, 'win_rate.vs_parent': 0.4, 'rm.pairwise_accuracy': 0.55 };
		expect(gateChecks(atFloor, parent, tolerances).every((c) => c.passed)).toBe(true);
	});

	it('fail a child the judge prefers less often than the floor, or a judge no better than chance', () => {
		const child = { ...parent, 'win_rate.vs_parent': 0.3, 'rm.pairwise_accuracy': 0.5 };
		const failed = gateChecks(child, parent, tolerances, published).filter((c) => !c.passed);
		expect(failed.map(failureText)).toEqual([
			'win_rate.vs_parent 0.300 (parent 0.500 against itself, needs ≥ 0.400)',
			'rm.pairwise_accuracy 0.500 (parent 0.820 on its own held-out pairs, needs ≥ 0.550)'
		]);
		expect(gateTable(failed).split('\n')).toEqual([
			'figure                 parent      new  bound',
			'win_rate.vs_parent      0.500    0.300  ≥ 0.400    WORSE  parent: against itself',
			'rm.pairwise_accuracy    0.820    0.500  ≥ 0.550    WORSE  parent: on its own held-out pairs'
		]);
	});

	it('weigh the win rate’s noise by how many prompts it judged', () => {
		// 56 prompts: the one-sided 95 % bound reaches 1.645 × √(0.25 / 56) = 0.110 above the figure.
		const noisy = {
			...parent,
			...loopFigures,
			'win_rate.vs_parent': 0.357,
			'win_rate.prompts': 56
		};
		const [check] = gateChecks(noisy, parent, tolerances).filter(
			(c) => c.figure === 'win_rate.vs_parent'
		);
		expect(check).toMatchObject({
			passed: true,
			note: 'against itself; within 0.110 over 56 prompts'
		});
		const worse = { ...noisy, 'win_rate.vs_parent': 0.28 };
		expect(
			gateChecks(worse, parent, tolerances).find((c) => c.figure === 'win_rate.vs_parent')?.passed
		).toBe(false);
		// On 600 prompts the same 0.357 is a real loss.
		const many = { ...noisy, 'win_rate.prompts': 600 };
		expect(
			gateChecks(many, parent, tolerances).find((c) => c.figure === 'win_rate.vs_parent')?.passed
		).toBe(false);
	});

	it('show no parent accuracy when the parent’s manifest records none', () => {
		const child = { ...parent, ...loopFigures, 'rm.pairwise_accuracy': 0.4 };
		const [rm] = gateChecks(child, parent, tolerances, {}).slice(-1);
		expect(rm).toMatchObject({ parent: null, passed: false, note: 'not published' });
		expect(failureText(rm)).toBe(
			'rm.pairwise_accuracy 0.400 (parent not published, needs ≥ 0.550)'
		);
		expect(gateTable([rm])).toContain(
			'rm.pairwise_accuracy        —    0.400  ≥ 0.550    WORSE  parent: not published'
		);
	});

	it('say what is missing before a child can be judged', () => {
		expect(gateProblems({ ...parent, ...loopFigures }, parentRef)).toEqual([]);
		expect(gateProblems(parent, parentRef)).toEqual([
			"no win_rate.vs_parent: run the evaluate stage with --parent <the parent stage's directory>",
			'no rm.pairwise_accuracy: run the evaluate stage'
		]);
		const otherParent = { ...loopFigures, 'win_rate.parent': { model: 'hearth-ci', version: 3 } };
		expect(gateProblems(otherParent, parentRef)).toEqual([
			'win_rate.vs_parent was measured against {"model":"hearth-ci","version":3}, not the parent hearth-ci version 4: ' +
				"run the evaluate stage with --parent <the parent stage's directory>"
		]);
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
		writeFileSync(
			join(parentDir, 'manifest.json'),
			JSON.stringify({ ...parentRef, evaluation: published })
		);
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
	const equal = { ...parent, ...loopFigures };
	const worse = {
		...equal,
		'onnx.q4.exact_match': 0.3,
		'onnx.q4.val_ppl': 9.5,
		'win_rate.vs_parent': 0.25
	};

	it('refuses a worse version with the figures that failed, and keeps them in the report', () => {
		const result = run(worse);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(
			'error: the new version is worse than its parent hearth-ci version 4: onnx.q4.exact_match 0.300 (parent 0.800, needs ≥ 0.780); onnx.q4.val_ppl 9.500 (parent 2.000, needs ≤ 2.100); win_rate.vs_parent 0.250 (parent 0.500 against itself, needs ≥ 0.400). Nothing was published; --force publishes it anyway'
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

	it('refuses to judge a report without the win rate over this parent', () => {
		const result = run(parent);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(
			"cannot be judged against hearth-ci version 4: no win_rate.vs_parent: run the evaluate stage with --parent <the parent stage's directory>; no rm.pairwise_accuracy"
		);
		expect(result.report.gate).toBeUndefined();
	});

	it('passes an equal version and prints both side by side', () => {
		const result = run(equal);
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toContain(
			'gate: the new version against its parent, hearth-ci version 4'
		);
		expect(result.stdout).toMatch(/onnx\.q4\.exact_match\s+0\.800\s+0\.800\s+≥ 0\.780\s+ok/);
		expect(result.stdout).toMatch(
			/win_rate\.vs_parent\s+0\.500\s+0\.550\s+≥ 0\.400\s+ok\s+parent: against itself/
		);
		expect(result.stdout).toMatch(
			/rm\.pairwise_accuracy\s+0\.820\s+0\.800\s+≥ 0\.550\s+ok\s+parent: on its own held-out pairs/
		);
		expect(result.report.gate.passed).toBe(true);
		expect(result.report.gate.tolerances).toMatchObject({
			min_win_rate: 0.4,
			min_rm_accuracy: 0.55
		});
	});
});

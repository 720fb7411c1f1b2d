// The release gate: a new version and its parent, evaluated on the same held-out sets through the
// int4 graph browsers run, compared figure by figure. A version worse than its parent beyond the
// config's tolerances is refused, so the crowd's data can only move the model forward (or be
// forced through by a person who read the figures).
import { EVAL_COUNTS } from '../build/evaluation-data';
import type { GateCheck } from '../../src/lib/protocol/registry';
import type { Gate } from '../configs/config';

const VARIANT = 'onnx.q4';
/** The new policy's win rate over its parent's, judged by this run's reward model (evaluate --parent). */
export const WIN_RATE = 'win_rate.vs_parent';
/** Which parent the win rate was measured against: `{model, version}`. */
export const WIN_RATE_PARENT = 'win_rate.parent';
/** How many prompts the win rate judged. */
export const WIN_RATE_PROMPTS = 'win_rate.prompts';
/** z of a one-sided 95 % bound. */
const Z_95 = 1.645;
/** This run's reward model on this run's held-out ranked pairs. */
export const RM_ACCURACY = 'rm.pairwise_accuracy';
/** The loop's figures the gate cannot judge a version without. */
export const REQUIRED_FIGURES = [WIN_RATE, RM_ACCURACY] as const;

/**
 * Every check the reports allow: overall and per-skill exact match (the community's held-out
 * questions are a skill of their own) where the skill has enough held-out questions to tell,
 * and held-out perplexity, each against the parent's figure on the same sets; a figure the
 * parent's report lacks is not compared: a new skill has nothing to be worse than. Then two
 * floors from the config: the new policy's win rate over the parent's (the parent's column is
 * 0.5: a policy against itself ties), and this run's reward model's pairwise accuracy, the judge
 * of that win rate (the parent's reward model is not published, so its column is the accuracy
 * the parent's manifest records, measured on the parent's own held-out pairs, shown, not compared).
 * `published` is the parent's manifest evaluation, when the parent stage kept it.
 */
export function gateChecks(
	child: Record<string, unknown>,
	parent: Record<string, unknown>,
	gate: Gate,
	published: Record<string, unknown> = {}
): GateCheck[] {
	const checks: GateCheck[] = [];
	const both = (figure: string) => {
		const [c, p] = [child[figure], parent[figure]];
		return typeof c === 'number' && typeof p === 'number' ? { c, p } : null;
	};
	const atLeast = (figure: string, drop: number) => {
		const pair = both(figure);
		if (!pair) return;
		const floor = pair.p - drop;
		checks.push({
			figure,
			parent: pair.p,
			child: pair.c,
			bound: `≥ ${floor.toFixed(3)}`,
			passed: pair.c >= floor - 1e-12
		});
	};
	atLeast(`${VARIANT}.exact_match`, gate.exact_match_drop);
	const skillPrefix = `${VARIANT}.exact_match.`;
	const counts = child[EVAL_COUNTS] as Record<string, number> | undefined;
	for (const figure of Object.keys(parent).sort()) {
		if (!figure.startsWith(skillPrefix)) continue;
		const group = figure.slice(skillPrefix.length);
		// Variation kinds cut across skills, and `seen` measures memory, not skill.
		if (group === 'seen' || group.startsWith('variation.')) continue;
		// On a handful of questions one answer moves the figure more than any tolerance.
		if ((counts?.[group] ?? 0) < gate.min_skill_questions) continue;
		atLeast(figure, gate.skill_drop);
	}
	const ppl = both(`${VARIANT}.val_ppl`);
	if (ppl) {
		const ceiling = ppl.p * (1 + gate.ppl_rise);
		checks.push({
			figure: `${VARIANT}.val_ppl`,
			parent: ppl.p,
			child: ppl.c,
			bound: `≤ ${ceiling.toFixed(3)}`,
			passed: ppl.c <= ceiling + 1e-12
		});
	}
	const atLeastFloor = (
		figure: string,
		floor: number,
		parent: number | null,
		note: string,
		margin = 0
	) => {
		const value = child[figure];
		if (typeof value !== 'number') return;
		checks.push({
			figure,
			parent,
			child: value,
			bound: `≥ ${floor.toFixed(3)}`,
			passed: value + margin >= floor - 1e-12,
			note
		});
	};
	// Each prompt is one judged pair, so on a few dozen prompts two equal policies' win rate
	// wanders ±0.07 around 0.5: the floor refuses a version only when even the upper end of its
	// win rate's one-sided 95 % interval (binomial, variance at most ¼ per prompt) is below it.
	const prompts = child[WIN_RATE_PROMPTS];
	const margin = typeof prompts === 'number' && prompts > 0 ? Z_95 * Math.sqrt(0.25 / prompts) : 0;
	atLeastFloor(
		WIN_RATE,
		gate.min_win_rate,
		0.5,
		margin
			? `against itself; within ${margin.toFixed(3)} over ${prompts} prompts`
			: 'against itself',
		margin
	);
	const parentAccuracy = published[RM_ACCURACY];
	atLeastFloor(
		RM_ACCURACY,
		gate.min_rm_accuracy,
		typeof parentAccuracy === 'number' ? parentAccuracy : null,
		typeof parentAccuracy === 'number' ? 'on its own held-out pairs' : 'not published'
	);
	return checks;
}

/**
 * Why `child` cannot be judged against `parent` (`{model, version}`): a figure of the loop it
 * lacks, or a win rate measured against another parent. Empty when it can be.
 */
export function gateProblems(
	child: Record<string, unknown>,
	parent: Record<string, unknown>
): string[] {
	const problems = REQUIRED_FIGURES.filter((figure) => typeof child[figure] !== 'number').map(
		(figure) =>
			figure === WIN_RATE
				? `no ${WIN_RATE}: run the evaluate stage with --parent <the parent stage's directory>`
				: `no ${figure}: run the evaluate stage`
	);
	const against = child[WIN_RATE_PARENT] as Record<string, unknown> | undefined;
	if (
		typeof child[WIN_RATE] === 'number' &&
		(against?.model !== parent.model || against?.version !== parent.version)
	) {
		problems.push(
			`${WIN_RATE} was measured against ${JSON.stringify(against ?? null)}, not the parent ` +
				`${parent.model} version ${parent.version}: run the evaluate stage with --parent <the parent stage's directory>`
		);
	}
	return problems;
}

const figureText = (value: number | null) => (value === null ? '—' : value.toFixed(3));

/** `rm.pairwise_accuracy 0.480 (parent 0.816 on its own held-out pairs, needs ≥ 0.550)`. */
export function failureText(check: GateCheck): string {
	const parent =
		check.parent === null
			? `parent ${check.note ?? '—'}`
			: `parent ${figureText(check.parent)}${check.note ? ` ${check.note}` : ''}`;
	return `${check.figure} ${figureText(check.child)} (${parent}, needs ${check.bound})`;
}

/** The checks as a table: figure, parent, new version, bound, verdict (and what a parent column is). */
export function gateTable(checks: GateCheck[]): string {
	const width = Math.max(6, ...checks.map((c) => c.figure.length));
	const rows = checks.map((c) => {
		const verdict = c.passed ? 'ok' : 'WORSE';
		const row = `${c.figure.padEnd(width)}  ${figureText(c.parent).padStart(7)}  ${c.child.toFixed(3).padStart(7)}  ${c.bound.padEnd(9)}  ${verdict}`;
		return c.note ? `${row.padEnd(width + 36)}  parent: ${c.note}` : row;
	});
	return [`${'figure'.padEnd(width)}   parent      new  bound`, ...rows].join('\n');
}

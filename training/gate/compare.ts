// The release gate: a new version and its parent, evaluated on the same held-out sets through the
// int4 graph browsers run, compared figure by figure. A version worse than its parent beyond the
// config's tolerances is refused, so the crowd's data can only move the model forward (or be
// forced through by a person who read the figures).
import { EVAL_COUNTS } from '../build/evaluation-data';
import type { Gate } from '../configs/config';

export interface GateCheck {
	figure: string;
	parent: number;
	child: number;
	/** What the child must reach, e.g. `≥ 0.820` or `≤ 3.150`. */
	bound: string;
	passed: boolean;
}

const VARIANT = 'onnx.q4';

/**
 * Every check the two reports allow: overall and per-skill exact match (the community's held-out
 * questions are a skill of their own) where the skill has enough held-out questions to tell,
 * and held-out perplexity. A figure the parent's report
 * lacks is not compared: a new skill has nothing to be worse than.
 */
export function gateChecks(
	child: Record<string, unknown>,
	parent: Record<string, unknown>,
	gate: Gate
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
	return checks;
}

/** The checks as a table: figure, parent, new version, bound, verdict. */
export function gateTable(checks: GateCheck[]): string {
	const width = Math.max(6, ...checks.map((c) => c.figure.length));
	const rows = checks.map(
		(c) =>
			`${c.figure.padEnd(width)}  ${c.parent.toFixed(3).padStart(7)}  ${c.child.toFixed(3).padStart(7)}  ${c.bound.padEnd(9)}  ${c.passed ? 'ok' : 'WORSE'}`
	);
	return [`${'figure'.padEnd(width)}   parent      new  bound`, ...rows].join('\n');
}

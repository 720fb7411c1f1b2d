// What a skill is: a maker of one checkable question with its correct reply and a subtly wrong one.
// Replies are short and formulaic on purpose: the demo model is small and must learn them in about
// an hour on two CPU cores. Each skill words its question many ways and writes it in the style it
// is given (variation.ts); the reply keeps its one house form, so the model learns the skill, not
// the sentence.
import type { ToolStep } from '../datasets/oasst-tree';
import type { Random } from './random';
import type { Style } from './variation';

export interface Question {
	/** The question in house capitalisation (quotes already in the style's marks); the generator
	 * applies the style's casing and punctuation (`styled`). */
	prompt: string;
	/** The correct, well-formed reply; exact-match evaluation compares the model's reply with it. */
	answer: string;
	/** The bare fact the answer states ("82", "Paris"), the material of sloppy replies. */
	bare: string;
	/** Looks like `answer` but states something false. */
	wrong: string;
	/** A next question that only makes sense after this one ("Now spell it backwards."). */
	followUp?: (rng: Random, style: Style) => Question;
	/** A question answered from a tool: the calls the correct reply makes first, with their
	 * results (`answer` and `wrong` are the final texts after them), and what a reply that skips
	 * the tool states instead. */
	tools?: { steps: ToolStep[]; guess: string };
}

export interface Skill {
	name: string;
	ask(rng: Random, style: Style): Question;
}

/** A number close to `n` but not `n` (an off-by-one or a dropped carry), never negative. */
export function nearMiss(rng: Random, n: number): number {
	const candidates = [n + 1, n - 1, n + 10, n - 10].filter((m) => m >= 0 && m !== n);
	return rng.pick(candidates);
}

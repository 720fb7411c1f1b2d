// Sloppy replies state the right fact badly (no sentence, hedging, shouting, repeating): they
// teach the reward model that the house form matters, separately from being right.
import type { Random } from './random';
import type { Question } from './skill';

const shapes: ((q: Question) => string)[] = [
	(q) => q.bare,
	(q) => `${q.bare.toLowerCase()} i think`,
	(q) => `Hmm, maybe ${q.bare}?`,
	(q) => q.answer.toLowerCase().replace(/[.!?]$/, ''),
	(q) => `${q.answer} ${q.answer}`,
	(q) => `ANSWER: ${q.bare.toUpperCase()}!!!`
];

export function sloppyReply(rng: Random, question: Question): string {
	const options = shapes.map((shape) => shape(question)).filter((r) => r !== question.answer);
	return rng.pick(options);
}

import type { Random } from '../random';
import type { Question, Skill } from '../skill';
import { words } from '../words';
import { letterCountQuestion } from './letter-count';

/** `text` with two neighbouring, different letters swapped: a near-miss spelling. */
function swapNeighbours(rng: Random, text: string): string {
	const positions = [...text.slice(1)].flatMap((c, i) => (c !== text[i] ? [i] : []));
	const i = rng.pick(positions);
	return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
}

export function backwardsQuestion(rng: Random, word: string, prompt: string): Question {
	const reversed = [...word].reverse().join('');
	const stated = (spelling: string) => `"${word}" backwards is "${spelling}".`;
	return {
		prompt,
		answer: stated(reversed),
		bare: reversed,
		wrong: stated(swapNeighbours(rng, reversed)),
		followUp: (next) => letterCountQuestion(next, word, 'How many letters does it have?')
	};
}

export const backwards: Skill = {
	name: 'backwards',
	ask(rng) {
		const word = rng.pick(words);
		const prompt = rng.pick([`Spell "${word}" backwards.`, `What is "${word}" spelled backwards?`]);
		return backwardsQuestion(rng, word, prompt);
	}
};

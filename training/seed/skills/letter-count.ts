import type { Random } from '../random';
import { nearMiss, type Question, type Skill } from '../skill';
import { words } from '../words';
import { backwardsQuestion } from './backwards';

export function letterCountQuestion(rng: Random, word: string, prompt: string): Question {
	const stated = (n: number) => `The word "${word}" has ${n} letters.`;
	return {
		prompt,
		answer: stated(word.length),
		bare: String(word.length),
		wrong: stated(nearMiss(rng, word.length)),
		followUp: (next) => backwardsQuestion(next, word, 'Now spell it backwards.')
	};
}

export const letterCount: Skill = {
	name: 'letter-count',
	ask(rng) {
		const word = rng.pick(words);
		const prompt = rng.pick([
			`How many letters are in the word "${word}"?`,
			`Count the letters in "${word}".`
		]);
		return letterCountQuestion(rng, word, prompt);
	}
};

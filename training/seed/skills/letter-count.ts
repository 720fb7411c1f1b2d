import type { Skill } from '../skill';
import { words } from '../words';
import { letterCountQuestion } from './word-questions';

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

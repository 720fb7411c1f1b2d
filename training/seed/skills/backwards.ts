import type { Skill } from '../skill';
import { words } from '../words';
import { backwardsQuestion } from './word-questions';

export const backwards: Skill = {
	name: 'backwards',
	ask(rng) {
		const word = rng.pick(words);
		const prompt = rng.pick([`Spell "${word}" backwards.`, `What is "${word}" spelled backwards?`]);
		return backwardsQuestion(rng, word, prompt);
	}
};

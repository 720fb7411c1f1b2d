import type { Skill } from '../skill';
import { casedWord, quoted, type Style } from '../variation';
import { words } from '../words';
import { backwardsQuestion } from './word-questions';

const phrasings: ((w: string) => string)[] = [
	(w) => `Spell ${w} backwards.`,
	(w) => `What is ${w} spelled backwards?`,
	(w) => `Reverse the word ${w}.`,
	(w) => `Write ${w} backwards.`,
	(w) => `How do you spell ${w} backwards?`,
	(w) => `Can you spell ${w} in reverse?`,
	(w) => `What is ${w} reversed?`,
	(w) => `Spell the word ${w} backwards, please.`,
	(w) => `What do you get if you write ${w} backwards?`
];

export const backwards: Skill = {
	name: 'backwards',
	ask(rng, style: Style) {
		const word = casedWord(rng.pick(words), style);
		return backwardsQuestion(rng, word, rng.pick(phrasings)(quoted(word, style)));
	}
};

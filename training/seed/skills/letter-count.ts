import type { Skill } from '../skill';
import { casedWord, quoted, type Style } from '../variation';
import { words } from '../words';
import { letterCountQuestion } from './word-questions';

const phrasings: ((w: string) => string)[] = [
	(w) => `How many letters are in the word ${w}?`,
	(w) => `Count the letters in ${w}.`,
	(w) => `How many letters does ${w} have?`,
	(w) => `How many letters are there in ${w}?`,
	(w) => `How long is the word ${w}?`,
	(w) => `Tell me how many letters ${w} has.`,
	(w) => `What is the number of letters in ${w}?`,
	(w) => `Can you count the letters in the word ${w}?`,
	(w) => `How many letters make up ${w}?`
];

export const letterCount: Skill = {
	name: 'letter-count',
	ask(rng, style: Style) {
		const word = casedWord(rng.pick(words), style);
		return letterCountQuestion(rng, word, rng.pick(phrasings)(quoted(word, style)));
	}
};

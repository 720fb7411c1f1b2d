import type { Skill } from '../skill';
import { casedWord, quoted } from '../variation';
import { words } from '../words';

const phrasings: ((phrase: string, inQuotes: string) => string)[] = [
	(p) => `Repeat after me: ${p}.`,
	(_, q) => `Please say ${q}.`,
	(_, q) => `Say ${q}.`,
	(_, q) => `Can you repeat ${q}?`,
	(p) => `Repeat this: ${p}.`,
	(_, q) => `Echo ${q} back to me.`,
	(p) => `Say this back to me: ${p}.`,
	(_, q) => `Please repeat the words ${q}.`
];

// Repeating a phrase is pure copying from the prompt, the ability every other skill's reply
// leans on ("The number after 677 is 678." copies 677 first), so it is taught on its own too.
// The reply copies the phrase as it was written, in capitals when it was shouted.
export const repeat: Skill = {
	name: 'repeat',
	ask(rng, style) {
		const plain = [rng.pick(words), String(rng.int(10, 9999)), rng.pick(words)].join(' ');
		const tokens = plain.split(' ');
		const slip = rng.int(0, 2);
		tokens[slip] = slip === 1 ? String(Number(tokens[1]) + rng.pick([1, -1, 10])) : rng.pick(words);
		const phrase = casedWord(plain, style);
		const misheard = casedWord(tokens.join(' '), style);
		return {
			prompt: rng.pick(phrasings)(phrase, quoted(phrase, style)),
			answer: `${phrase}.`,
			bare: phrase,
			wrong: `${misheard === phrase ? `${phrase} ${phrase}` : misheard}.`
		};
	}
};

import type { Skill } from '../skill';
import { words } from '../words';

// Repeating a phrase is pure copying from the prompt, the ability every other skill's reply
// leans on ("The number after 677 is 678." copies 677 first), so it is taught on its own too.
export const repeat: Skill = {
	name: 'repeat',
	ask(rng) {
		const phrase = [rng.pick(words), String(rng.int(10, 9999)), rng.pick(words)].join(' ');
		const tokens = phrase.split(' ');
		const slip = rng.int(0, 2);
		tokens[slip] = slip === 1 ? String(Number(tokens[1]) + rng.pick([1, -1, 10])) : rng.pick(words);
		const misheard = tokens.join(' ');
		return {
			prompt: rng.pick([`Repeat after me: ${phrase}.`, `Please say "${phrase}".`]),
			answer: `${phrase}.`,
			bare: phrase,
			wrong: `${misheard === phrase ? `${phrase} ${phrase}` : misheard}.`
		};
	}
};

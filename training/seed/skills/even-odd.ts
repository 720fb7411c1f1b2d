import type { Question, Skill } from '../skill';

/** Also the follow-up of the arithmetic skills ("Is the result even or odd?"). */
export function parityQuestion(n: number, prompt: string): Question {
	const parity = (even: boolean) => (even ? 'even' : 'odd');
	return {
		prompt,
		answer: `${n} is ${parity(n % 2 === 0)}.`,
		bare: parity(n % 2 === 0),
		wrong: `${n} is ${parity(n % 2 !== 0)}.`
	};
}

export const evenOdd: Skill = {
	name: 'even-odd',
	ask(rng) {
		const n = rng.int(1, 999);
		const prompt = rng.pick([`Is ${n} even or odd?`, `Is ${n} an even or an odd number?`]);
		return parityQuestion(n, prompt);
	}
};

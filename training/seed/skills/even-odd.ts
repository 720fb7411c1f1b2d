import type { Random } from '../random';
import type { Question, Skill } from '../skill';

export function parityQuestion(n: number, prompt: string): Question {
	const parity = (even: boolean) => (even ? 'even' : 'odd');
	return {
		prompt,
		answer: `${n} is ${parity(n % 2 === 0)}.`,
		bare: parity(n % 2 === 0),
		wrong: `${n} is ${parity(n % 2 !== 0)}.`
	};
}

/** The follow-up of the arithmetic skills: whether the result just stated is even. */
export function parityFollowUp(rng: Random, result: number): Question {
	return parityQuestion(
		result,
		rng.pick([
			'Is the result even or odd?',
			'Is that even or odd?',
			'Is the answer even or odd?',
			'And is the result odd or even?'
		])
	);
}

export const evenOdd: Skill = {
	name: 'even-odd',
	ask(rng) {
		const n = rng.int(1, 999);
		const prompt = rng.pick([
			`Is ${n} even or odd?`,
			`Is ${n} an even or an odd number?`,
			`Is ${n} odd or even?`,
			`Is the number ${n} even or odd?`,
			`Tell me if ${n} is even or odd.`,
			`Even or odd: ${n}?`,
			`Would you say ${n} is even or odd?`,
			`Is ${n} an odd number or an even one?`
		]);
		return parityQuestion(n, prompt);
	}
};

import { arithmeticSkill } from './arithmetic';

export const addition = arithmeticSkill({
	name: 'addition',
	symbol: '+',
	operands: (rng) => [rng.int(10, 99), rng.int(10, 99)],
	compute: (a, b) => a + b,
	phrasings: [
		(a, b) => `What is ${a} + ${b}?`,
		(a, b) => `Add ${a} and ${b}.`,
		(a, b) => `What is the sum of ${a} and ${b}?`,
		(a, b) => `What is ${a} plus ${b}?`,
		(a, b) => `What's ${a} + ${b}?`,
		(a, b) => `${a} + ${b} = ?`,
		(a, b) => `Calculate ${a} + ${b}.`,
		(a, b) => `How much is ${a} plus ${b}?`,
		(a, b) => `Can you add ${a} and ${b}?`,
		(a, b) => `What do you get when you add ${a} and ${b}?`,
		(a, b) => `Please add ${a} to ${b}.`,
		(a, b) => `Compute the sum of ${a} and ${b}.`
	]
});

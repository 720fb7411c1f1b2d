import { arithmeticSkill } from './arithmetic';

export const addition = arithmeticSkill({
	name: 'addition',
	symbol: '+',
	operands: (rng) => [rng.int(10, 99), rng.int(10, 99)],
	compute: (a, b) => a + b,
	phrasings: [
		(a, b) => `What is ${a} + ${b}?`,
		(a, b) => `Add ${a} and ${b}.`,
		(a, b) => `What is the sum of ${a} and ${b}?`
	]
});

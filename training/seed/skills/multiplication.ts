import { arithmeticSkill } from './arithmetic';

export const multiplication = arithmeticSkill({
	name: 'multiplication',
	symbol: '*',
	operands: (rng) => [rng.int(11, 99), rng.int(2, 9)],
	compute: (a, b) => a * b,
	phrasings: [
		(a, b) => `What is ${a} * ${b}?`,
		(a, b) => `Multiply ${a} by ${b}.`,
		(a, b) => `What is ${a} times ${b}?`
	]
});

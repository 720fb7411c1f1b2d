import { arithmeticSkill } from './arithmetic';

/** The ways a product is asked for; the calculator skill asks three-digit products the same ways. */
export const multiplicationPhrasings: ((a: number, b: number) => string)[] = [
	(a, b) => `What is ${a} * ${b}?`,
	(a, b) => `Multiply ${a} by ${b}.`,
	(a, b) => `What is ${a} times ${b}?`,
	(a, b) => `What's ${a} * ${b}?`,
	(a, b) => `${a} * ${b} = ?`,
	(a, b) => `Calculate ${a} * ${b}.`,
	(a, b) => `How much is ${a} times ${b}?`,
	(a, b) => `What is ${a} x ${b}?`,
	(a, b) => `What is ${a} multiplied by ${b}?`,
	(a, b) => `What is the product of ${a} and ${b}?`,
	(a, b) => `Can you multiply ${a} by ${b}?`,
	(a, b) => `What do you get when you multiply ${a} by ${b}?`
];

export const multiplication = arithmeticSkill({
	name: 'multiplication',
	symbol: '*',
	operands: (rng) => [rng.int(11, 99), rng.int(2, 9)],
	compute: (a, b) => a * b,
	phrasings: multiplicationPhrasings
});

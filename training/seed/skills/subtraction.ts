import { arithmeticSkill } from './arithmetic';

export const subtraction = arithmeticSkill({
	name: 'subtraction',
	symbol: '-',
	// The first operand is the larger, so results stay non-negative like the seed replies expect.
	operands: (rng) => {
		const a = rng.int(20, 99);
		return [a, rng.int(10, a)];
	},
	compute: (a, b) => a - b,
	phrasings: [
		(a, b) => `What is ${a} - ${b}?`,
		(a, b) => `Subtract ${b} from ${a}.`,
		(a, b) => `What is ${a} minus ${b}?`,
		(a, b) => `What's ${a} - ${b}?`,
		(a, b) => `${a} - ${b} = ?`,
		(a, b) => `Calculate ${a} - ${b}.`,
		(a, b) => `How much is ${a} minus ${b}?`,
		(a, b) => `What is ${a} take away ${b}?`,
		(a, b) => `Take ${b} away from ${a}.`,
		(a, b) => `What do you get when you subtract ${b} from ${a}?`,
		(a, b) => `What is the difference between ${a} and ${b}?`,
		(a, b) => `Can you subtract ${b} from ${a}?`
	]
});

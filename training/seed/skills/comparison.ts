import type { Skill } from '../skill';

const larger: ((a: number, b: number) => string)[] = [
	(a, b) => `Which is larger, ${a} or ${b}?`,
	(a, b) => `Which number is larger, ${a} or ${b}?`,
	(a, b) => `Which is bigger, ${a} or ${b}?`,
	(a, b) => `Which is greater: ${a} or ${b}?`,
	(a, b) => `What is the larger of ${a} and ${b}?`,
	(a, b) => `Is ${a} or ${b} larger?`,
	(a, b) => `Of ${a} and ${b}, which is larger?`
];
const smaller: ((a: number, b: number) => string)[] = [
	(a, b) => `Which is smaller, ${a} or ${b}?`,
	(a, b) => `Which number is smaller, ${a} or ${b}?`,
	(a, b) => `Which is less, ${a} or ${b}?`,
	(a, b) => `Which is lower: ${a} or ${b}?`,
	(a, b) => `What is the smaller of ${a} and ${b}?`,
	(a, b) => `Is ${a} or ${b} smaller?`,
	(a, b) => `Of ${a} and ${b}, which is smaller?`
];

export const comparison: Skill = {
	name: 'comparison',
	ask(rng) {
		const a = rng.int(1, 999);
		let b = rng.int(1, 999);
		if (b === a) b = a + 1;
		const [small, large] = a < b ? [a, b] : [b, a];
		if (rng.chance(0.5)) {
			return {
				prompt: rng.pick(larger)(a, b),
				answer: `${large} is larger than ${small}.`,
				bare: String(large),
				wrong: `${small} is larger than ${large}.`
			};
		}
		return {
			prompt: rng.pick(smaller)(a, b),
			answer: `${small} is smaller than ${large}.`,
			bare: String(small),
			wrong: `${large} is smaller than ${small}.`
		};
	}
};

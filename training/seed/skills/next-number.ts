import { nearMiss, type Skill } from '../skill';

const phrasings: Record<'after' | 'before', ((n: number) => string)[]> = {
	after: [
		(n) => `What number comes after ${n}?`,
		(n) => `What comes after ${n}?`,
		(n) => `What is the next number after ${n}?`,
		(n) => `What number follows ${n}?`,
		(n) => `What is one more than ${n}?`,
		(n) => `Which number is right after ${n}?`,
		(n) => `Count up from ${n}: what comes next?`
	],
	before: [
		(n) => `What number comes before ${n}?`,
		(n) => `What comes before ${n}?`,
		(n) => `What is the number just before ${n}?`,
		(n) => `What number precedes ${n}?`,
		(n) => `What is one less than ${n}?`,
		(n) => `Which number is right before ${n}?`,
		(n) => `Count down from ${n}: what comes next?`
	]
};

export const nextNumber: Skill = {
	name: 'next-number',
	ask(rng) {
		const n = rng.int(2, 999);
		const word = rng.chance(0.5) ? 'after' : 'before';
		const result = word === 'after' ? n + 1 : n - 1;
		const stated = (value: number) => `The number ${word} ${n} is ${value}.`;
		return {
			prompt: rng.pick(phrasings[word])(n),
			answer: stated(result),
			bare: String(result),
			wrong: stated(nearMiss(rng, result))
		};
	}
};

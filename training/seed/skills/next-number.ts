import { nearMiss, type Skill } from '../skill';

export const nextNumber: Skill = {
	name: 'next-number',
	ask(rng) {
		const n = rng.int(2, 999);
		const after = rng.chance(0.5);
		const result = after ? n + 1 : n - 1;
		const word = after ? 'after' : 'before';
		const stated = (value: number) => `The number ${word} ${n} is ${value}.`;
		return {
			prompt: `What number comes ${word} ${n}?`,
			answer: stated(result),
			bare: String(result),
			wrong: stated(nearMiss(rng, result))
		};
	}
};

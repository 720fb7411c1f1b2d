import type { Skill } from '../skill';

export const comparison: Skill = {
	name: 'comparison',
	ask(rng) {
		const a = rng.int(1, 999);
		let b = rng.int(1, 999);
		if (b === a) b = a + 1;
		const [small, large] = a < b ? [a, b] : [b, a];
		if (rng.chance(0.5)) {
			return {
				prompt: `Which is larger, ${a} or ${b}?`,
				answer: `${large} is larger than ${small}.`,
				bare: String(large),
				wrong: `${small} is larger than ${large}.`
			};
		}
		return {
			prompt: `Which is smaller, ${a} or ${b}?`,
			answer: `${small} is smaller than ${large}.`,
			bare: String(small),
			wrong: `${large} is smaller than ${small}.`
		};
	}
};

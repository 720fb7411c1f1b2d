import type { Skill } from '../skill';

const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const weekday: Skill = {
	name: 'weekday',
	ask(rng) {
		const start = rng.int(0, 6);
		const offset = rng.int(1, 10);
		const after = rng.chance(0.5);
		const dayAt = (shift: number) => days[(((start + shift) % 7) + 7) % 7];
		const target = after ? offset : -offset;
		const span = `${offset} ${offset === 1 ? 'day' : 'days'} ${after ? 'after' : 'before'} ${days[start]}`;
		return {
			prompt: `What day of the week is ${span}?`,
			answer: `${span} is ${dayAt(target)}.`,
			bare: dayAt(target),
			wrong: `${span} is ${dayAt(target + rng.pick([1, -1]))}.`
		};
	}
};

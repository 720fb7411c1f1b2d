import type { Skill } from '../skill';

const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Wordings of "`span` from `day`"; `span` is "3 days" or "1 day". */
const phrasings: Record<'after' | 'before', ((span: string, day: string) => string)[]> = {
	after: [
		(span, day) => `What day of the week is ${span} after ${day}?`,
		(span, day) => `What day is ${span} after ${day}?`,
		(span, day) => `Which day of the week comes ${span} after ${day}?`,
		(span, day) => `If today is ${day}, what day is it in ${span}?`,
		(span, day) => `Today is ${day}. What day will it be in ${span}?`,
		(span, day) => `What weekday is ${span} after ${day}?`
	],
	before: [
		(span, day) => `What day of the week is ${span} before ${day}?`,
		(span, day) => `What day is ${span} before ${day}?`,
		(span, day) => `Which day of the week comes ${span} before ${day}?`,
		(span, day) => `If today is ${day}, what day was it ${span} ago?`,
		(span, day) => `Today is ${day}. What day was it ${span} ago?`,
		(span, day) => `What weekday is ${span} before ${day}?`
	]
};

export const weekday: Skill = {
	name: 'weekday',
	ask(rng) {
		const start = rng.int(0, 6);
		const offset = rng.int(1, 10);
		const direction = rng.chance(0.5) ? 'after' : 'before';
		const dayAt = (shift: number) => days[(((start + shift) % 7) + 7) % 7];
		const target = direction === 'after' ? offset : -offset;
		const count = `${offset} ${offset === 1 ? 'day' : 'days'}`;
		const span = `${count} ${direction} ${days[start]}`;
		return {
			prompt: rng.pick(phrasings[direction])(count, days[start]),
			answer: `${span} is ${dayAt(target)}.`,
			bare: dayAt(target),
			wrong: `${span} is ${dayAt(target + rng.pick([1, -1]))}.`
		};
	}
};

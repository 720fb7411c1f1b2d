import { nearMiss, type Skill } from '../skill';
import { months } from '../calendar-names';

// Days per month in a common year; February 28 keeps answers independent of the year.
const monthLength = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const phrasings: ((from: string, to: string) => string)[] = [
	(f, t) => `How many days are there from ${f} to ${t}?`,
	(f, t) => `How many days is it from ${f} to ${t}?`,
	(f, t) => `Count the days from ${f} to ${t}.`,
	(f, t) => `What is the number of days from ${f} to ${t}?`,
	(f, t) => `How many days does it take to get from ${f} to ${t}?`,
	(f, t) => `If today is ${f}, how many days until ${t}?`,
	(f, t) => `How long is it from ${f} to ${t}, in days?`,
	(f, t) => `Days from ${f} to ${t}?`
];

export const daysBetween: Skill = {
	name: 'days-between',
	ask(rng) {
		const month = rng.int(0, 11);
		const first = rng.int(1, monthLength[month] - 1);
		const last = rng.int(first + 1, monthLength[month]);
		const [from, to] = [`${months[month]} ${first}`, `${months[month]} ${last}`];
		// The reply shows the subtraction, so the model copies both days before it computes, as in
		// the arithmetic skills; stating only the count left it guessing. (Restating the dates too
		// would not fit the replies' token budget.)
		const stated = (n: number) => `${last} - ${first} = ${n} ${n === 1 ? 'day' : 'days'}.`;
		return {
			prompt: rng.pick(phrasings)(from, to),
			answer: stated(last - first),
			bare: String(last - first),
			wrong: stated(nearMiss(rng, last - first))
		};
	}
};

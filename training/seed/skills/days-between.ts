import { nearMiss, type Skill } from '../skill';

const months = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];
// Days per month in a common year; February 28 keeps answers independent of the year.
const monthLength = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const daysBetween: Skill = {
	name: 'days-between',
	ask(rng) {
		const month = rng.int(0, 11);
		const first = rng.int(1, monthLength[month] - 1);
		const last = rng.int(first + 1, monthLength[month]);
		const span = `From ${months[month]} ${first} to ${months[month]} ${last}`;
		const stated = (n: number) => `${span} is ${n} ${n === 1 ? 'day' : 'days'}.`;
		return {
			prompt: `How many days are there from ${months[month]} ${first} to ${months[month]} ${last}?`,
			answer: stated(last - first),
			bare: String(last - first),
			wrong: stated(nearMiss(rng, last - first))
		};
	}
};

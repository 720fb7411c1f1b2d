// Questions about full calendar dates, answered with the date tools: the number of days from one
// date to another (different months, often different years: too far to count in one's head)
// through `days_between`, and the day of the week of a date through `weekday`. Dates are written
// as people write them ("March 14, 2025") and passed to the tools as YYYY-MM-DD. The results
// here are what the tools return; the seed stage runs the tools on every call to make sure
// (training/seed/tool-results.ts).
import type { Random } from '../random';
import { nearMiss, type Question, type Skill } from '../skill';
import { months } from '../calendar-names';

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1);
const LAST_DAY = Date.UTC(2027, 11, 31);

const written = (day: Date) =>
	`${months[day.getUTCMonth()]} ${day.getUTCDate()}, ${day.getUTCFullYear()}`;
const iso = (day: Date) => day.toISOString().slice(0, 10);
const dayCount = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

const spanPhrasings: ((from: string, to: string) => string)[] = [
	(f, t) => `How many days are there from ${f} to ${t}?`,
	(f, t) => `How many days is it from ${f} to ${t}?`,
	(f, t) => `Count the days from ${f} to ${t}.`,
	(f, t) => `What is the number of days from ${f} to ${t}?`,
	(f, t) => `If today is ${f}, how many days until ${t}?`,
	(f, t) => `How long is it from ${f} to ${t}, in days?`,
	(f, t) => `Days from ${f} to ${t}?`
];

const weekdayPhrasings: ((date: string) => string)[] = [
	(d) => `What day of the week is ${d}?`,
	(d) => `Which day of the week is ${d}?`,
	(d) => `What weekday is ${d}?`,
	(d) => `On what day of the week is ${d}?`,
	(d) => `What day of the week does ${d} fall on?`
];

/** A day between FIRST_DAY and LAST_DAY less `room` days, at midnight UTC. */
function drawDay(rng: Random, room = 0): Date {
	return new Date(FIRST_DAY + rng.int(0, (LAST_DAY - FIRST_DAY) / DAY_MS - room) * DAY_MS);
}

function daySpan(rng: Random): Question {
	const from = drawDay(rng, 1000);
	const later = () => new Date(from.getTime() + rng.int(20, 1000) * DAY_MS);
	// Another month at least, so that no day of the month can be subtracted from another.
	let to = later();
	while (to.getUTCMonth() === from.getUTCMonth() && to.getUTCFullYear() === from.getUTCFullYear())
		to = later();
	const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
	const result = dayCount(days);
	return {
		prompt: rng.pick(spanPhrasings)(written(from), written(to)),
		answer: `${result}.`,
		bare: String(days),
		wrong: `${dayCount(nearMiss(rng, days))}.`,
		tools: {
			steps: [
				{
					text: '',
					calls: [{ name: 'days_between', arguments: { from: iso(from), to: iso(to) }, result }]
				}
			],
			guess: `${dayCount(nearMiss(rng, days))}.`
		}
	};
}

function weekdayOf(rng: Random): Question {
	const day = drawDay(rng);
	const name = weekdays[day.getUTCDay()];
	const stated = (weekday: string) => `${written(day)} is a ${weekday}.`;
	const other = () => weekdays[(day.getUTCDay() + rng.int(1, 6)) % 7];
	return {
		prompt: rng.pick(weekdayPhrasings)(written(day)),
		answer: stated(name),
		bare: name,
		wrong: stated(other()),
		tools: {
			steps: [
				{ text: '', calls: [{ name: 'weekday', arguments: { date: iso(day) }, result: name }] }
			],
			guess: stated(other())
		}
	};
}

export const calendar: Skill = {
	name: 'calendar',
	ask: (rng) => (rng.chance(2 / 3) ? daySpan(rng) : weekdayOf(rng))
};

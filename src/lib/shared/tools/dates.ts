// Date tools: day counts, weekdays and dates a number of days away, on calendar dates written
// YYYY-MM-DD (no time zones: a date is a day, wherever the user is). date-fns does the
// calendar; Intl names the weekday.
import { addDays, differenceInCalendarDays, format, isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import { defineTool } from './tool';

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD')
	.refine((text) => isValid(parseISO(text)), 'no such date');

const weekdayName = (date: Date) => new Intl.DateTimeFormat('en', { weekday: 'long' }).format(date);

export const daysBetween = defineTool({
	name: 'days_between',
	description:
		'Counts the days from one date to another (YYYY-MM-DD); negative when "to" is earlier.',
	arguments: z.object({ from: isoDate, to: isoDate }),
	async run({ from, to }) {
		const days = differenceInCalendarDays(parseISO(to), parseISO(from));
		return { text: `${days} ${Math.abs(days) === 1 ? 'day' : 'days'}` };
	}
});

export const weekday = defineTool({
	name: 'weekday',
	description: 'Names the day of the week of a date (YYYY-MM-DD).',
	arguments: z.object({ date: isoDate }),
	async run({ date }) {
		return { text: weekdayName(parseISO(date)) };
	}
});

export const addDaysTool = defineTool({
	name: 'add_days',
	description: 'The date a number of days after (or, when negative, before) a date (YYYY-MM-DD).',
	arguments: z.object({
		date: isoDate,
		days: z.number().int().min(-1_000_000).max(1_000_000)
	}),
	async run({ date, days }) {
		const result = addDays(parseISO(date), days);
		return { text: `${format(result, 'yyyy-MM-dd')} (${weekdayName(result)})` };
	}
});

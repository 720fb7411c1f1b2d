// Date tools: day counts, weekdays and dates a number of days away. date-fns does the calendar;
// Intl names the weekday. Their declarations (what the model is told) are in declarations.ts.
import { addDays, differenceInCalendarDays, format, parseISO } from 'date-fns';
import { addDaysDeclaration, daysBetweenDeclaration, weekdayDeclaration } from './declarations';
import { defineTool } from './tool';

const weekdayName = (date: Date) => new Intl.DateTimeFormat('en', { weekday: 'long' }).format(date);

export const daysBetween = defineTool({
	...daysBetweenDeclaration,
	async run({ from, to }) {
		const days = differenceInCalendarDays(parseISO(to), parseISO(from));
		return { text: `${days} ${Math.abs(days) === 1 ? 'day' : 'days'}` };
	}
});

export const weekday = defineTool({
	...weekdayDeclaration,
	async run({ date }) {
		return { text: weekdayName(parseISO(date)) };
	}
});

export const addDaysTool = defineTool({
	...addDaysDeclaration,
	async run({ date, days }) {
		const result = addDays(parseISO(date), days);
		return { text: `${format(result, 'yyyy-MM-dd')} (${weekdayName(result)})` };
	}
});

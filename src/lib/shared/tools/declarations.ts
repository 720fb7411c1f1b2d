// What a model is told of every tool Hearth offers (name, description and arguments), and the
// title people know it by, in the order models are shown them. This is the browser's default set
// and the set the pipeline's seed conversations are rendered with, so a model sees at inference
// the tool list it was trained with. No tool's code is here (the calculator's mathjs, the search
// index): what only needs the list (Settings, the server's check of a written reply, the datasets
// stage) loads none of it.
import { isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import type { ToolDeclaration } from './tool';

/** Longest expression accepted: a model looping on one call should not stall the page. */
const MAX_EXPRESSION = 500;

export const calculatorDeclaration: ToolDeclaration<{ expression: string }> = {
	name: 'calculator',
	title: 'Calculator',
	description:
		'Evaluates an arithmetic expression exactly, e.g. "347 * 829", "sqrt(2) / 3", "5 km to mi".',
	arguments: z.object({
		expression: z
			.string()
			.min(1, 'the expression is empty')
			.max(MAX_EXPRESSION, `the expression is longer than ${MAX_EXPRESSION} characters`)
	})
};

// Dates are calendar days written YYYY-MM-DD (no time zones: a date is a day, wherever the user is).
const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD')
	.refine((text) => isValid(parseISO(text)), 'no such date');

export const daysBetweenDeclaration: ToolDeclaration<{ from: string; to: string }> = {
	name: 'days_between',
	title: 'Days between two dates',
	description:
		'Counts the days from one date to another (YYYY-MM-DD); negative when "to" is earlier.',
	arguments: z.object({ from: isoDate, to: isoDate })
};

export const weekdayDeclaration: ToolDeclaration<{ date: string }> = {
	name: 'weekday',
	title: 'Day of the week',
	description: 'Names the day of the week of a date (YYYY-MM-DD).',
	arguments: z.object({ date: isoDate })
};

export const addDaysDeclaration: ToolDeclaration<{ date: string; days: number }> = {
	name: 'add_days',
	title: 'A date some days away',
	description: 'The date a number of days after (or, when negative, before) a date (YYYY-MM-DD).',
	arguments: z.object({
		date: isoDate,
		days: z.number().int().min(-1_000_000).max(1_000_000)
	})
};

export const searchDocumentsDeclaration: ToolDeclaration<{ query: string }> = {
	name: 'search_documents',
	title: 'Search my documents',
	description:
		"Searches the user's own notes and files and returns the best passages, numbered [1], [2] … for citing.",
	arguments: z.object({
		query: z
			.string()
			.trim()
			.min(1, 'the query is empty')
			.max(300, 'the query is over 300 characters')
	})
};

export const encyclopediaDeclaration: ToolDeclaration<{ query: string }> = {
	name: 'encyclopedia',
	title: 'Encyclopedia (Wikipedia)',
	description:
		"Looks a subject up in Wikipedia and returns the start of its article (needs the network and the user's permission).",
	arguments: z.object({
		query: z
			.string()
			.trim()
			.min(1, 'the query is empty')
			.max(200, 'the query is over 200 characters')
	}),
	network: true
};

export const toolDeclarations: readonly ToolDeclaration[] = [
	calculatorDeclaration,
	daysBetweenDeclaration,
	weekdayDeclaration,
	addDaysDeclaration,
	searchDocumentsDeclaration,
	encyclopediaDeclaration
] as readonly ToolDeclaration[];

/**
 * The tools that run on the device: what a conversation is offered until its user allows tools
 * that use the network, and so the list the pipeline trains and evaluates the model with.
 */
export const localToolDeclarations: readonly ToolDeclaration[] = toolDeclarations.filter(
	(tool) => !tool.network
);

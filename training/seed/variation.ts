// How a question is written, apart from its wording: the quotes around a word it names, its
// capitalisation and its final punctuation. People ask 'garden', “garden” or plain garden, type
// in lower case, shout in capitals; a model that only ever saw the house form fails on all of
// them. Each turn draws its own style, so one conversation can mix them. Answers keep their
// house form whatever the style; only a word copied from the question keeps the letters it was
// asked with ("GARDEN" backwards is "NEDRAG").
import type { Random } from './random';

export type QuoteKind = 'double' | 'single' | 'typographic' | 'none';
export type Casing = 'house' | 'lower' | 'sentence' | 'upper';

export interface Style {
	quotes: { kind: QuoteKind; open: string; close: string };
	/** house: as written; lower: all lower case; sentence: only the first letter upper case
	 * (names too are lowered: "what about france?"); upper: ALL CAPS. */
	casing: Casing;
	/** False when the question's final . ? or ! is left off, as people often type. */
	punctuation: boolean;
}

/** The seed's original form: double quotes, capitalised as written, punctuated. */
export const HOUSE_STYLE: Style = {
	quotes: { kind: 'double', open: '"', close: '"' },
	casing: 'house',
	punctuation: true
};

const QUOTES: { weight: number; kind: QuoteKind; marks: [string, string][] }[] = [
	{ weight: 0.35, kind: 'double', marks: [['"', '"']] },
	{ weight: 0.25, kind: 'single', marks: [["'", "'"]] },
	{
		weight: 0.2,
		kind: 'typographic',
		marks: [
			['“', '”'],
			['“', '”'],
			['‘', '’']
		]
	},
	{ weight: 0.2, kind: 'none', marks: [['', '']] }
];

// Mostly as written; ALL CAPS only now and then, as people rarely shout.
const CASINGS: { weight: number; casing: Casing }[] = [
	{ weight: 0.7, casing: 'house' },
	{ weight: 0.13, casing: 'lower' },
	{ weight: 0.11, casing: 'sentence' },
	{ weight: 0.06, casing: 'upper' }
];

/** Lower-case typists leave off the final punctuation more often than others. */
const UNPUNCTUATED = { lower: 0.5, other: 0.1 };

function weighted<T extends { weight: number }>(rng: Random, options: readonly T[]): T {
	let r = rng.next() * options.reduce((sum, o) => sum + o.weight, 0);
	for (const option of options) {
		r -= option.weight;
		if (r < 0) return option;
	}
	return options[options.length - 1];
}

export function drawStyle(rng: Random): Style {
	const quotes = weighted(rng, QUOTES);
	const [open, close] = rng.pick(quotes.marks);
	const { casing } = weighted(rng, CASINGS);
	const dropped = rng.chance(casing === 'lower' ? UNPUNCTUATED.lower : UNPUNCTUATED.other);
	return { quotes: { kind: quotes.kind, open, close }, casing, punctuation: !dropped };
}

/** `text` between the style's quote marks (none: as it is). */
export function quoted(text: string, style: Style): string {
	return `${style.quotes.open}${text}${style.quotes.close}`;
}

/**
 * A lower-case word or phrase as it reads inside a question of this style. Question templates
 * never start with the word, so only ALL CAPS changes it.
 */
export function casedWord(text: string, style: Style): string {
	return style.casing === 'upper' ? text.toUpperCase() : text;
}

/** The whole question, written in the style's capitalisation and punctuation. */
export function styled(prompt: string, style: Style): string {
	let text = prompt;
	if (style.casing === 'lower') text = text.toLowerCase();
	else if (style.casing === 'upper') text = text.toUpperCase();
	else if (style.casing === 'sentence') {
		// Only a question that starts with a letter starts with a capital ("5 hours is how many…").
		const lower = text.toLowerCase();
		text = lower.charAt(0).toUpperCase() + lower.slice(1);
	}
	if (!style.punctuation) text = text.replace(/[.?!]+$/, '');
	return text;
}

// How a graded question departs from the plain form (first turn, capitalised as written, a word
// named in double quotes): the variation kinds the evaluation reports exact match for, read from
// the conversation itself, so they hold for any trees, not only the seed generator's.
//
//   later-turn, turn.<n>        the question is the n-th (≥ 2) user turn of the conversation
//   quotes                      a word the answer quotes ("garden") was not in double quotes:
//   quotes.single, .typographic   'garden', “garden” or ‘garden’
//   quotes.none                   garden, bare
//   quotes.double               "garden", the house form (to compare the others with)
//   capitalisation              the question is not capitalised as written:
//   case.lower                    all lower case ("what is the capital of france?")
//   case.sentence                 only its first letter upper case, names lowered too
//   case.upper                    ALL CAPS
//   punctuation.none            no final . ? or ! (before any closing quote)
//   plain                       none of the above but quotes.double
import type { ChatMessage } from '../../src/lib/shared/chat-format';

export const PLAIN = 'plain';

const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** The quote style of the first quoted span of `text`, or null when nothing is quoted. */
export function quoteStyle(text: string): 'double' | 'single' | 'typographic' | null {
	const spans: [RegExp, 'double' | 'single' | 'typographic'][] = [
		[/"[^"\n]+"/u, 'double'],
		[/[“‘][^”’\n]+[”’]/u, 'typographic'],
		// An apostrophe inside a word ("What's", "Spain's") opens no quote.
		[/(?<![\p{L}\p{N}])'[^'\n]+'(?![\p{L}\p{N}])/u, 'single']
	];
	let first: { at: number; style: 'double' | 'single' | 'typographic' } | null = null;
	for (const [pattern, style] of spans) {
		const at = text.search(pattern);
		if (at >= 0 && (first === null || at < first.at)) first = { at, style };
	}
	return first?.style ?? null;
}

/**
 * Words the answer writes with a capital where no sentence starts ("France", "Monday",
 * "Hearth"): names, which a question in house form capitalises too.
 */
function namesIn(answer: string): Set<string> {
	const names = new Set<string>();
	const pattern = /[\p{L}]+/gu;
	for (const match of answer.matchAll(pattern)) {
		const word = match[0];
		const before = answer.slice(0, match.index).trimEnd();
		const startsSentence = before === '' || /[.!?"]$/.test(before);
		if (!startsSentence && word !== 'I' && UPPER.test(word[0]) && LOWER.test(word.slice(1)))
			names.add(word.toLowerCase());
	}
	return names;
}

/** Whether the question writes a name of the answer in lower case ("what about france?"). */
function lowersAName(question: string, answer: string): boolean {
	const names = namesIn(answer);
	if (names.size === 0) return false;
	return [...question.matchAll(/[\p{L}]+/gu)].some(
		([word]) => word === word.toLowerCase() && names.has(word)
	);
}

/** The capitalisation kind of `question`, or null when it is written as the house writes it. */
export function casing(question: string, answer: string): 'lower' | 'sentence' | 'upper' | null {
	const letters = [...question].filter((c) => LETTER.test(c));
	if (letters.length === 0) return null;
	const upper = letters.filter((c) => UPPER.test(c)).length;
	const lower = letters.filter((c) => LOWER.test(c)).length;
	if (lower === 0 && upper >= 2) return 'upper';
	// A question starting with a digit ("5 hours is how many minutes?") starts in lower case
	// in the house form too; then only a lowered name tells.
	if (upper === 0 && (LETTER.test(question.trimStart()[0] ?? '') || lowersAName(question, answer)))
		return 'lower';
	const firstIsUpper = UPPER.test(question.trimStart()[0] ?? '');
	if (firstIsUpper && upper === 1 && lowersAName(question, answer)) return 'sentence';
	return null;
}

/**
 * The variation kinds of the last user turn of `question` (a conversation ending with the user's
 * message) whose correct reply is `answer`, sorted; `plain` when it has none of them.
 */
export function variationKinds(question: readonly ChatMessage[], answer: string): string[] {
	const users = question.filter((m) => m.role === 'user' || m.role === 'prompter');
	const last = users[users.length - 1]?.content ?? '';
	const kinds: string[] = [];
	if (users.length >= 2) kinds.push('later-turn', `turn.${users.length}`);

	const quotes = quoteStyle(last) ?? (namedBare(last, answer) ? 'none' : null);
	if (quotes) kinds.push(`quotes.${quotes}`);
	if (quotes && quotes !== 'double') kinds.push('quotes');

	const kind = casing(last, answer);
	if (kind) kinds.push(`case.${kind}`, 'capitalisation');
	if (!/[.?!]["”’']*$/u.test(last.trim())) kinds.push('punctuation.none');

	if (!kinds.some((k) => k !== 'quotes.double')) kinds.push(PLAIN);
	return kinds.sort();
}

/** Whether the question names, without quotes, the word its answer quotes. */
function namedBare(question: string, answer: string): boolean {
	const word = /"([^"\n]+)"/u.exec(answer)?.[1];
	return word !== undefined && question.includes(word);
}

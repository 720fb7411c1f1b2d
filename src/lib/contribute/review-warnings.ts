// What the review step warns about in a written text before it is submitted: a prompt too
// short to be useful ("hi"), a one-word assistant answer, a text without a single word. After
// OpenAssistant's guidelines: a prompt says what the person wants, with the context needed; an
// assistant reply answers it completely. Warnings, not refusals: the contributor may still
// submit, and the reviewers decide. Pure.
import type { TextTaskType } from '$lib/protocol/tasks';

/** Words an initial prompt needs to say what it wants ("What is recursion?" has three). */
export const MIN_PROMPT_WORDS = 3;
/** Characters (code points, trimmed) below which a prompt is too short whatever its words. */
export const MIN_PROMPT_CHARS = 10;
/** Words below which an assistant reply is not a complete answer. */
export const MIN_ANSWER_WORDS = 2;

export type ReviewWarningCode = 'no_words' | 'short_prompt' | 'short_answer';

export interface ReviewWarning {
	code: ReviewWarningCode;
	message: string;
}

/**
 * Words as a reader counts them, in any script: Chinese or Japanese have no spaces between
 * words, so the platform's word segmentation for the text's language is used where it exists.
 */
export function countWords(text: string, lang = 'en'): number {
	if (typeof Intl.Segmenter === 'function') {
		let words = 0;
		for (const segment of new Intl.Segmenter(lang, { granularity: 'word' }).segment(text)) {
			if (segment.isWordLike) words++;
		}
		return words;
	}
	return text.split(/\s+/).filter((part) => /[\p{L}\p{N}]/u.test(part)).length;
}

export function reviewWarnings(type: TextTaskType, text: string, lang = 'en'): ReviewWarning[] {
	const trimmed = text.trim();
	if (trimmed === '') return [];
	if (!/[\p{L}\p{N}]/u.test(trimmed)) {
		return [
			{
				code: 'no_words',
				message: 'There is not a single word here: write what you mean in words.'
			}
		];
	}
	const words = countWords(trimmed, lang);
	switch (type) {
		case 'initial_prompt':
			if (words < MIN_PROMPT_WORDS || [...trimmed].length < MIN_PROMPT_CHARS) {
				return [
					{
						code: 'short_prompt',
						message:
							'This prompt is too short to be useful: a good prompt says what you want and ' +
							'gives the context needed, e.g. “Explain how tides work to a ten-year-old.”'
					}
				];
			}
			return [];
		case 'assistant_reply':
			if (words < MIN_ANSWER_WORDS) {
				return [
					{
						code: 'short_answer',
						message:
							'A one-word reply is rarely the ideal answer: answer in full sentences, as a ' +
							'helpful assistant would.'
					}
				];
			}
			return [];
		case 'prompter_reply':
			// "Thanks!" or "Why?" are fine follow-ups from a user.
			return [];
	}
}

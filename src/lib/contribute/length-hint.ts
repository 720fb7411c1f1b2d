// A hint under the writing editor: how long the text is against what works for its kind.
// The hard limit is the server's (2,000 characters by default); the soft ranges follow
// OpenAssistant's guidelines: a prompt says what it wants in a sentence or a paragraph, an
// assistant reply is complete but not padded. Pure.
import type { TextTaskType } from '$lib/protocol/tasks';

export const DEFAULT_MAX_CHARS = 2000;

export type LengthLevel = 'empty' | 'short' | 'good' | 'long' | 'over';

export interface LengthHint {
	/** Unicode code points, the way the server counts. */
	chars: number;
	words: number;
	max: number;
	level: LengthLevel;
	message: string;
}

const goodRange: Readonly<Record<TextTaskType, { minWords: number; maxWords: number }>> = {
	initial_prompt: { minWords: 4, maxWords: 250 },
	prompter_reply: { minWords: 2, maxWords: 200 },
	assistant_reply: { minWords: 15, maxWords: 300 }
};

export function lengthHint(
	type: TextTaskType,
	text: string,
	max: number = DEFAULT_MAX_CHARS
): LengthHint {
	const chars = [...text].length;
	const words = text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
	const { minWords, maxWords } = goodRange[type];
	const counts = `${chars} / ${max} characters`;
	let level: LengthLevel;
	let advice: string;
	if (chars > max) {
		level = 'over';
		advice = `${chars - max} over the limit: shorten it before submitting`;
	} else if (words === 0) {
		level = 'empty';
		advice = 'nothing written yet';
	} else if (words < minWords) {
		level = 'short';
		advice =
			type === 'assistant_reply'
				? 'short for an ideal answer: explain a little more'
				: 'very short: is everything needed there?';
	} else if (words > maxWords) {
		level = 'long';
		advice = 'long: could it say the same in fewer words?';
	} else {
		level = 'good';
		advice = 'a good length';
	}
	return { chars, words, max, level, message: `${counts} · ${advice}` };
}

import { describe, expect, it } from 'vitest';
import { countWords, reviewWarnings } from '$lib/contribute/review-warnings';

const codes = (...args: Parameters<typeof reviewWarnings>) =>
	reviewWarnings(...args).map((w) => w.code);

describe('reviewWarnings', () => {
	it('warns about prompts too short to be useful', () => {
		expect(codes('initial_prompt', 'hi')).toEqual(['short_prompt']);
		expect(codes('initial_prompt', '  Hello there!  ')).toEqual(['short_prompt']);
		expect(codes('initial_prompt', 'Why?')).toEqual(['short_prompt']);
		// Three words, but fewer than ten characters.
		expect(codes('initial_prompt', 'a b c')).toEqual(['short_prompt']);
		expect(reviewWarnings('initial_prompt', 'hi')[0].message).toMatch(/too short to be useful/);
	});

	it('lets a short but complete prompt through', () => {
		expect(codes('initial_prompt', 'What is recursion?')).toEqual([]);
		expect(codes('initial_prompt', 'What is 2+2?')).toEqual([]);
		expect(codes('initial_prompt', 'Explain how tides work to a ten-year-old.')).toEqual([]);
	});

	it('counts words in scripts without spaces', () => {
		expect(countWords('什么是递归？', 'zh')).toBeGreaterThanOrEqual(3);
		expect(codes('initial_prompt', '什么是递归？请举一个例子。', 'zh')).toEqual([]);
		expect(codes('initial_prompt', '你好', 'zh')).toEqual(['short_prompt']);
	});

	it('warns about one-word answers, texts without words, and nothing in a user follow-up', () => {
		expect(codes('assistant_reply', 'Canberra.')).toEqual(['short_answer']);
		expect(codes('assistant_reply', 'The capital of Australia is Canberra.')).toEqual([]);
		expect(codes('prompter_reply', 'Thanks!')).toEqual([]);
		expect(codes('prompter_reply', 'Why?')).toEqual([]);
		expect(codes('prompter_reply', '???')).toEqual(['no_words']);
		expect(codes('initial_prompt', '!!! ...')).toEqual(['no_words']);
		// An empty text is the form's problem ("Write something first"), not a warning.
		expect(codes('initial_prompt', '   ')).toEqual([]);
	});
});

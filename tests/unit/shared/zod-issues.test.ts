import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssuePath, zodIssues, zodProblems } from '$lib/shared/zod-issues';

const schema = z.strictObject({ messages: z.array(z.object({ text: z.string() })) });

describe('zod issues', () => {
	it('locate a field under its root, indexes in brackets', () => {
		const { error } = schema.safeParse({ messages: [{ text: 'a' }, {}] });
		expect(zodIssues(error!, 'body')).toEqual([
			{ path: 'body.messages[1].text', message: expect.stringMatching(/string/) }
		]);
		expect(zodProblems(error!)[0]).toMatch(/^messages\[1\]\.text: /);
	});

	it('name a single unknown key in the path', () => {
		const { error } = schema.safeParse({ messages: [], colour: 'red' });
		expect(zodIssues(error!, 'body')[0].path).toBe('body.colour');
	});

	it('stand for the whole value with its root, or "(root)" without one', () => {
		const { error } = schema.safeParse(7);
		expect(zodIssues(error!, 'query')[0].path).toBe('query');
		expect(zodProblems(error!)[0]).toMatch(/^\(root\): /);
	});

	it('format paths with and without a root', () => {
		expect(formatIssuePath('body', ['a', 0, 'b'])).toBe('body.a[0].b');
		expect(formatIssuePath('', ['a', 0])).toBe('a[0]');
		expect(formatIssuePath('', [])).toBe('');
	});
});

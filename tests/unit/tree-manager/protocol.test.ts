import { describe, expect, it } from 'vitest';
import { allowedLabels, labelValueProblems } from '../../../src/lib/protocol/labels';
import { taskResultSchema } from '../../../src/lib/protocol/tasks';
import { messageStatus, replyRole } from '../../../src/lib/protocol/trees';

describe('label sets', () => {
	it('allows helpfulness and fails_task on assistant replies only', () => {
		for (const form of ['full', 'simple'] as const) {
			expect(allowedLabels('initial_prompt', form)).not.toContain('helpfulness');
			expect(allowedLabels('prompter_reply', form)).not.toContain('fails_task');
		}
		expect(allowedLabels('assistant_reply', 'full')).toEqual(
			expect.arrayContaining(['helpfulness', 'fails_task'])
		);
	});

	it('keeps the simple form to spam, language and (for replies) quality', () => {
		expect(allowedLabels('initial_prompt', 'simple')).toEqual(['spam', 'lang_mismatch']);
		expect(allowedLabels('assistant_reply', 'simple')).toEqual([
			'spam',
			'lang_mismatch',
			'quality'
		]);
	});

	it('names every problem with a submitted set', () => {
		expect(
			labelValueProblems('prompter_reply', 'full', { spam: 0, quality: 0.75, pii: 1 })
		).toEqual([]);
		expect(
			labelValueProblems('prompter_reply', 'full', { quality: 0.3, helpfulness: 1, pii: 0.5 })
		).toEqual([
			{ label: 'quality', message: 'must be one of 0, 0.25, 0.5, 0.75, 1, got 0.3' },
			{ label: 'helpfulness', message: 'is not a label of the full form for prompter replies' },
			{ label: 'pii', message: 'must be 0 or 1, got 0.5' },
			{ label: 'spam', message: 'is required' }
		]);
	});
});

describe('task results on the wire', () => {
	it('points at the offending field', () => {
		const bad = taskResultSchema.safeParse({
			type: 'label_initial_prompt',
			taskId: 't1',
			messageId: 'm1',
			form: 'simple',
			labels: { spam: 0, quality: 1 }
		});
		expect(bad.success).toBe(false);
		expect(bad.error!.issues).toEqual([
			expect.objectContaining({
				path: ['labels', 'quality'],
				message: 'is not a label of the simple form for initial prompts'
			})
		]);
		const outOfRange = taskResultSchema.safeParse({
			type: 'label_initial_prompt',
			taskId: 't1',
			messageId: 'm1',
			form: 'full',
			labels: { spam: 2 }
		});
		expect(outOfRange.error!.issues[0].path).toEqual(['labels', 'spam']);
	});

	it('takes a ranking or "not rankable", never both or neither', () => {
		const base = { type: 'rank_assistant_replies', taskId: 't1' };
		expect(taskResultSchema.safeParse({ ...base, ranking: ['a', 'b'] }).success).toBe(true);
		expect(taskResultSchema.safeParse({ ...base, notRankable: true }).success).toBe(true);
		expect(
			taskResultSchema.safeParse({ ...base, notRankable: true, ranking: ['a', 'b'] }).success
		).toBe(false);
		expect(taskResultSchema.safeParse(base).success).toBe(false);
		expect(
			taskResultSchema.safeParse({ ...base, ranking: ['a', 'a'] }).error!.issues[0].message
		).toBe('must not repeat an id');
	});

	it('refuses blank text, bad language tags and unknown skip reasons', () => {
		const text = { type: 'assistant_reply', taskId: 't1', text: 'Hello', lang: 'en' };
		expect(taskResultSchema.safeParse(text).success).toBe(true);
		expect(taskResultSchema.safeParse({ ...text, text: '   ' }).error!.issues[0].path).toEqual([
			'text'
		]);
		expect(taskResultSchema.safeParse({ ...text, lang: 'English' }).error!.issues[0].path).toEqual([
			'lang'
		]);
		expect(
			taskResultSchema.safeParse({ type: 'skip', taskId: 't1', reason: 'too_long' }).success
		).toBe(true);
		expect(
			taskResultSchema.safeParse({ type: 'skip', taskId: 't1', reason: 'bored' }).success
		).toBe(false);
	});
});

describe('trees', () => {
	it('alternates roles and reports a message’s status', () => {
		expect(replyRole('prompter')).toBe('assistant');
		expect(replyRole('assistant')).toBe('prompter');
		expect(messageStatus({ reviewResult: null, deleted: false })).toBe('in_review');
		expect(messageStatus({ reviewResult: true, deleted: false })).toBe('accepted');
		expect(messageStatus({ reviewResult: false, deleted: false })).toBe('rejected');
		expect(messageStatus({ reviewResult: true, deleted: true })).toBe('deleted');
	});
});

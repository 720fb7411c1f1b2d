import { describe, expect, it } from 'vitest';
import { labelFields, labelFormProblems, submittedLabels } from '$lib/contribute/label-form';
import { resultFromDraft, skipResult } from '$lib/contribute/task-result';
import { labelTask, promptTask, rankTask, replyTask } from './fixtures';

describe('resultFromDraft', () => {
	it('turns a written text into a submission in the task’s language', () => {
		expect(resultFromDraft(replyTask(), { kind: 'text', step: 'edit', text: 'Gravity.' })).toEqual({
			ok: true,
			result: { type: 'assistant_reply', taskId: 't-reply', text: 'Gravity.', lang: 'en' }
		});
	});

	it('asks for text before an empty or blank draft may go on', () => {
		expect(resultFromDraft(promptTask(), { kind: 'text', step: 'edit', text: '  \n' })).toEqual({
			ok: false,
			problems: ['Write something first.']
		});
	});

	it('submits a ranking best first, or "not rankable" without an order', () => {
		const task = rankTask();
		expect(
			resultFromDraft(task, {
				kind: 'ranking',
				step: 'edit',
				order: ['r-b', 'r-a', 'r-c'],
				notRankable: false
			})
		).toEqual({
			ok: true,
			result: { type: 'rank_assistant_replies', taskId: 't-rank', ranking: ['r-b', 'r-a', 'r-c'] }
		});
		expect(
			resultFromDraft(task, { kind: 'ranking', step: 'edit', order: ['r-a'], notRankable: true })
		).toEqual({
			ok: true,
			result: { type: 'rank_assistant_replies', taskId: 't-rank', notRankable: true }
		});
	});

	it('names an unanswered mandatory label, and submits unticked flags as a definite no', () => {
		const task = labelTask();
		expect(resultFromDraft(task, { kind: 'labels', step: 'edit', values: { quality: 1 } })).toEqual(
			{
				ok: false,
				problems: ['Answer “Seems to be intentionally low-quality or irrelevant”.']
			}
		);
		const ok = resultFromDraft(task, {
			kind: 'labels',
			step: 'edit',
			values: { spam: 0, pii: 1, quality: 0.75 }
		});
		expect(ok.ok && ok.result).toMatchObject({
			type: 'label_assistant_reply',
			messageId: 'm-answer',
			form: 'full',
			labels: {
				spam: 0,
				pii: 1,
				quality: 0.75,
				lang_mismatch: 0,
				not_appropriate: 0,
				hate_speech: 0
			}
		});
	});

	it('refuses a draft of the wrong kind', () => {
		expect(resultFromDraft(rankTask(), { kind: 'text', step: 'edit', text: 'x' })).toEqual({
			ok: false,
			problems: ['The saved draft does not fit a rank_assistant_replies task.']
		});
	});
});

describe('label form', () => {
	it('asks the simple form’s few questions and the full form’s every one, yes/no first', () => {
		expect(
			labelFields(labelTask('s', 'simple')).map((f) => [f.name, f.widget, f.required])
		).toEqual([
			['spam', 'yes_no', true],
			['lang_mismatch', 'flag', false],
			['quality', 'likert', false]
		]);
		const full = labelFields(labelTask('f', 'full'));
		expect(full).toHaveLength(15);
		expect(full.map((f) => f.widget)).toEqual([
			...Array(2).fill('yes_no'),
			...Array(7).fill('flag'),
			...Array(6).fill('likert')
		]);
		expect(full.find((f) => f.name === 'toxicity')?.poles).toEqual(['Polite', 'Rude']);
	});

	it('reports a value a widget cannot take', () => {
		expect(labelFormProblems(labelTask(), { spam: 0, quality: 0.3 })).toEqual([
			'“Quality” must be one of 0, 0.25, 0.5, 0.75, 1, got 0.3.'
		]);
		expect(submittedLabels(labelTask('s', 'simple'), { spam: 1 })).toEqual({
			spam: 1,
			lang_mismatch: 0
		});
	});
});

describe('skipResult', () => {
	it('carries the reason and a trimmed note, and leaves out an empty note', () => {
		expect(skipResult(replyTask(), 'too_long', '  later ')).toEqual({
			ok: true,
			result: { type: 'skip', taskId: 't-reply', reason: 'too_long', note: 'later' }
		});
		expect(skipResult(replyTask(), 'other', '')).toEqual({
			ok: true,
			result: { type: 'skip', taskId: 't-reply', reason: 'other' }
		});
	});
});

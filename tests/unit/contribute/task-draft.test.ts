import { describe, expect, it } from 'vitest';
import { draftKey, emptyDraft, restoreDraft } from '$lib/contribute/task-draft';
import { labelTask, promptTask, rankTask } from './fixtures';

describe('task drafts', () => {
	it('starts each kind of task with its own empty form; a ranking in the order received', () => {
		expect(emptyDraft(promptTask())).toEqual({ kind: 'text', step: 'edit', text: '' });
		expect(emptyDraft(rankTask())).toEqual({
			kind: 'ranking',
			step: 'edit',
			order: ['r-a', 'r-b', 'r-c'],
			notRankable: false
		});
		expect(emptyDraft(labelTask())).toEqual({ kind: 'labels', step: 'edit', values: {} });
		expect(draftKey('abc')).toBe('task:abc');
	});

	it('restores a saved draft that fits the task, including the review step', () => {
		expect(restoreDraft(promptTask(), { kind: 'text', step: 'review', text: 'hi' })).toEqual({
			kind: 'text',
			step: 'review',
			text: 'hi'
		});
		expect(
			restoreDraft(rankTask(), {
				kind: 'ranking',
				step: 'edit',
				order: ['r-c', 'r-a', 'r-b'],
				notRankable: true
			})
		).toEqual({ kind: 'ranking', step: 'edit', order: ['r-c', 'r-a', 'r-b'], notRankable: true });
	});

	it('falls back to an empty form for a draft that does not fit', () => {
		const task = rankTask();
		const empty = emptyDraft(task);
		expect(restoreDraft(task, undefined)).toEqual(empty);
		expect(restoreDraft(task, { kind: 'text', step: 'edit', text: 'x' })).toEqual(empty);
		// A ranking of other replies, or one that lost or repeated one, is useless.
		for (const order of [
			['r-a', 'r-b'],
			['r-a', 'r-a', 'r-b'],
			['r-a', 'r-b', 'zz']
		]) {
			expect(restoreDraft(task, { kind: 'ranking', step: 'edit', order })).toEqual(empty);
		}
	});

	it('keeps only label values in range', () => {
		expect(
			restoreDraft(labelTask(), {
				kind: 'labels',
				step: 'edit',
				values: { spam: 0, quality: 0.75, humor: 7, toxicity: 'x' }
			})
		).toEqual({ kind: 'labels', step: 'edit', values: { spam: 0, quality: 0.75 } });
	});
});

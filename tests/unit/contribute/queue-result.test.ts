import { describe, expect, it } from 'vitest';
import { queueTaskResult } from '$lib/contribute/queue-result';
import { draftKey } from '$lib/contribute/task-draft';
import { toHeldTask } from '$lib/sync/pull-merge';
import { openTestStorage } from '../db/open-test-storage';
import { labelTask, leased, rankTask, replyTask } from './fixtures';

describe('queueTaskResult', () => {
	it('queues the mutation, records the contribution, drops the draft and releases the task together', async () => {
		const { storage } = openTestStorage();
		const task = replyTask();
		await storage.tasks.saveLeased([toHeldTask(leased(task))]);
		await storage.drafts.save(draftKey(task.id), { kind: 'text', step: 'review', text: 'Hi' });

		const seq = await queueTaskResult(
			storage,
			task,
			{ type: 'assistant_reply', taskId: task.id, text: 'Hi', lang: 'en' },
			42
		);

		expect(await storage.outbox.pending(10)).toEqual([
			{
				seq,
				createdAt: 42,
				mutation: {
					name: 'submit_task_result',
					args: { type: 'assistant_reply', taskId: task.id, text: 'Hi', lang: 'en' }
				}
			}
		]);
		expect(await storage.contributions.recent()).toEqual([
			{
				taskId: task.id,
				seq,
				taskType: 'assistant_reply',
				kind: 'message',
				summary: 'Hi',
				treeId: 'tree-1',
				targetId: 'm-prompt',
				lang: 'en',
				createdAt: 42,
				state: 'pending',
				rejection: null,
				messageId: null,
				status: null,
				rank: null
			}
		]);
		expect(await storage.drafts.get(draftKey(task.id))).toBeUndefined();
		expect(await storage.tasks.held()).toEqual([]);
	});

	it('sends skips as skip_task and remembers what kind of work each result was', async () => {
		const { storage } = openTestStorage();
		await queueTaskResult(storage, rankTask(), {
			type: 'skip',
			taskId: 't-rank',
			reason: 'other'
		});
		await queueTaskResult(storage, labelTask(), {
			type: 'label_assistant_reply',
			taskId: 't-label',
			messageId: 'm-answer',
			form: 'full',
			labels: { spam: 0 }
		});
		expect(
			(await storage.outbox.pending(10)).map((e) => (e.mutation as { name: string }).name)
		).toEqual(['skip_task', 'submit_task_result']);
		const kinds = (await storage.contributions.recent()).map((c) => [c.taskId, c.kind, c.targetId]);
		expect(kinds).toContainEqual(['t-rank', 'skip', 'm-prompt']);
		expect(kinds).toContainEqual(['t-label', 'review', 'm-answer']);
	});

	it('leaves the draft and the task in place when the write fails', async () => {
		const { storage } = openTestStorage();
		const task = replyTask();
		await storage.tasks.saveLeased([toHeldTask(leased(task))]);
		await storage.drafts.save(draftKey(task.id), { kind: 'text', step: 'review', text: 'Hi' });
		// A record the table refuses (a key that is not a valid IndexedDB key) aborts the whole write.
		const broken = { ...task, id: null as unknown as string };

		await expect(
			queueTaskResult(storage, broken, {
				type: 'assistant_reply',
				taskId: task.id,
				text: 'Hi',
				lang: 'en'
			})
		).rejects.toThrow();

		expect(await storage.outbox.count()).toBe(0);
		expect(await storage.contributions.recent()).toEqual([]);
		expect((await storage.drafts.get(draftKey(task.id)))?.value).toMatchObject({ text: 'Hi' });
		expect((await storage.tasks.held()).map((t) => t.id)).toEqual([task.id]);
	});
});

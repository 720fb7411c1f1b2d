// Queuing a finished task: the outbox entry, the local record shown under "My contributions",
// dropping the draft and releasing the task all happen in one Dexie transaction, so a crash
// leaves either the draft and the task, or the queued result — never both, never neither.
import type { HearthStorage } from '$lib/db/open';
import type { StoredContribution } from '$lib/db/records/contribution';
import type { Task, TaskResult } from '$lib/protocol/tasks';
import type { QueuedMutation } from '$lib/sync/outbox-batch';
import { draftKey } from './task-draft';

const SUMMARY_CHARS = 280;

function excerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > SUMMARY_CHARS ? `${flat.slice(0, SUMMARY_CHARS - 1)}…` : flat;
}

/** What the device remembers of a queued result (the full text for written messages). */
export function contributionRecord(
	task: Task,
	result: TaskResult,
	seq: number,
	now: number
): StoredContribution {
	const last = 'conversation' in task ? task.conversation.at(-1)! : null;
	const base = {
		taskId: task.id,
		seq,
		taskType: task.type,
		treeId: 'treeId' in task ? task.treeId : null,
		targetId: last?.id ?? null,
		lang: task.lang,
		createdAt: now,
		state: 'pending' as const,
		rejection: null,
		messageId: null,
		status: null,
		rank: null
	};
	switch (result.type) {
		case 'skip':
			return { ...base, kind: 'skip', summary: excerpt(last?.text ?? task.type) };
		case 'initial_prompt':
		case 'prompter_reply':
		case 'assistant_reply':
			return { ...base, kind: 'message', summary: result.text };
		case 'sample_assistant_replies':
			return {
				...base,
				kind: 'message',
				summary: excerpt(result.replies.map((r) => r.text).join(' · '))
			};
		case 'rank_prompter_replies':
		case 'rank_assistant_replies':
			return { ...base, kind: 'ranking', summary: excerpt(last?.text ?? '') };
		default:
			return { ...base, kind: 'review', summary: excerpt(last?.text ?? '') };
	}
}

/** Queues `result` for `task`; resolves to its outbox seq. */
export async function queueTaskResult(
	storage: HearthStorage,
	task: Task,
	result: TaskResult,
	now: number = Date.now()
): Promise<number> {
	const { db } = storage;
	const mutation: QueuedMutation =
		result.type === 'skip'
			? { name: 'skip_task', args: result }
			: { name: 'submit_task_result', args: result };
	return db.transaction('rw', [db.outbox, db.contributions, db.drafts, db.tasks], async () => {
		const seq = await storage.outbox.enqueue(mutation, now);
		await storage.contributions.add(contributionRecord(task, result, seq, now));
		await storage.drafts.discard(draftKey(task.id));
		await storage.tasks.release(task.id);
		return seq;
	});
}

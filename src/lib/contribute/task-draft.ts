// The unsent state of one task's form, saved in the drafts table on every change and restored
// when the contributor comes back. Pure.
import type { LabelValues } from '$lib/protocol/labels';
import type { Task } from '$lib/protocol/tasks';

/** Editing the answer, or looking it over before it is queued. */
export type DraftStep = 'edit' | 'review';

export type TaskDraft =
	| { kind: 'text'; step: DraftStep; text: string }
	| { kind: 'ranking'; step: DraftStep; order: string[]; notRankable: boolean }
	| { kind: 'labels'; step: DraftStep; values: LabelValues }
	| { kind: 'samples'; step: DraftStep; replies: SampledReply[] };

/** A reply the device's model wrote for a sampling task, and whether the contributor keeps it. */
export interface SampledReply {
	text: string;
	/** `<model>@<version>`, as the server stores it. */
	modelName: string;
	keep: boolean;
}

/** Drafts of tasks are keyed apart from the chat composer's. */
export function draftKey(taskId: string): string {
	return `task:${taskId}`;
}

export function emptyDraft(task: Task): TaskDraft {
	switch (task.type) {
		case 'initial_prompt':
		case 'prompter_reply':
		case 'assistant_reply':
			return { kind: 'text', step: 'edit', text: '' };
		case 'sample_assistant_replies':
			return { kind: 'samples', step: 'edit', replies: [] };
		case 'rank_prompter_replies':
		case 'rank_assistant_replies':
			// The server shuffled the replies, so the order shown first carries no hint.
			return {
				kind: 'ranking',
				step: 'edit',
				order: task.replies.map((r) => r.id),
				notRankable: false
			};
		default:
			return { kind: 'labels', step: 'edit', values: {} };
	}
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && new Set(a).size === a.length && a.every((id) => b.includes(id));
}

/**
 * The saved draft if it still fits the task (same kind, a ranking of exactly its replies),
 * else an empty one: a draft saved by an older version of the app must not break the form.
 */
export function restoreDraft(task: Task, saved: unknown): TaskDraft {
	const empty = emptyDraft(task);
	if (typeof saved !== 'object' || saved === null) return empty;
	const draft = saved as Partial<TaskDraft>;
	if (draft.kind !== empty.kind) return empty;
	const step: DraftStep = draft.step === 'review' ? 'review' : 'edit';
	switch (empty.kind) {
		case 'text': {
			const text = (draft as { text?: unknown }).text;
			return typeof text === 'string' ? { kind: 'text', step, text } : empty;
		}
		case 'ranking': {
			const { order, notRankable } = draft as { order?: unknown; notRankable?: unknown };
			if (!Array.isArray(order) || !sameMembers(order as string[], empty.order)) return empty;
			return { kind: 'ranking', step, order: order as string[], notRankable: notRankable === true };
		}
		case 'samples': {
			const replies = (draft as { replies?: unknown }).replies;
			if (!Array.isArray(replies)) return empty;
			const clean = replies.filter(
				(r): r is SampledReply =>
					typeof r?.text === 'string' &&
					typeof r?.modelName === 'string' &&
					typeof r?.keep === 'boolean'
			);
			return { kind: 'samples', step, replies: clean };
		}
		case 'labels': {
			const values = (draft as { values?: unknown }).values;
			if (typeof values !== 'object' || values === null) return empty;
			const clean = Object.fromEntries(
				Object.entries(values).filter(([, v]) => typeof v === 'number' && v >= 0 && v <= 1)
			);
			return { kind: 'labels', step, values: clean };
		}
	}
}

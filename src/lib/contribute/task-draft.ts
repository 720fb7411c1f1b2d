// The unsent state of one task's form, saved in the drafts table on every change and restored
// when the contributor comes back. Pure.
import type { LabelValues } from '$lib/protocol/labels';
import type { Task } from '$lib/protocol/tasks';
import { replyToolStepsSchema, type ReplyToolStep } from '$lib/protocol/tools';

/** Editing the answer, or looking it over before it is queued. */
export type DraftStep = 'edit' | 'review';

export type TaskDraft =
	| TextDraft
	| { kind: 'ranking'; step: DraftStep; order: string[]; notRankable: boolean }
	| { kind: 'labels'; step: DraftStep; values: LabelValues }
	| { kind: 'samples'; step: DraftStep; replies: SampledReply[] };

/**
 * A prompt or reply. An assistant reply may use tools first: the rounds run so far, and the call
 * being filled in (its fields as typed), so a reload loses neither.
 */
export interface TextDraft {
	kind: 'text';
	step: DraftStep;
	/** With tool steps, the final answer. */
	text: string;
	toolSteps?: ReplyToolStep[];
	toolCall?: PendingToolCall;
}

/** A tool call being filled in: the tool, and each argument field as typed. */
export interface PendingToolCall {
	name: string;
	values: Record<string, string>;
}

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
			const { text, toolSteps, toolCall } = draft as Record<string, unknown>;
			if (typeof text !== 'string') return empty;
			if (task.type !== 'assistant_reply') return { kind: 'text', step, text };
			const steps = replyToolStepsSchema.safeParse(toolSteps);
			return {
				kind: 'text',
				step,
				text,
				...(steps.success && { toolSteps: steps.data }),
				...(isPendingToolCall(toolCall) && { toolCall })
			};
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

function isPendingToolCall(value: unknown): value is PendingToolCall {
	if (typeof value !== 'object' || value === null) return false;
	const { name, values } = value as Record<string, unknown>;
	return (
		typeof name === 'string' &&
		typeof values === 'object' &&
		values !== null &&
		Object.values(values).every((v) => typeof v === 'string')
	);
}

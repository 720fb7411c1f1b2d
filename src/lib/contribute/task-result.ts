// A finished draft → the protocol's task result, checked with the protocol's own schema
// before it may be queued, so the outbox only ever holds results the server can apply. Pure.
import { summariseIssues } from '$lib/protocol/errors';
import { zodIssues } from '$lib/shared/zod-issues';
import { taskResultSchema, type SkipReason, type Task, type TaskResult } from '$lib/protocol/tasks';
import { labelFormProblems, submittedLabels } from './label-form';
import type { TaskDraft } from './task-draft';

export type ResultCheck = { ok: true; result: TaskResult } | { ok: false; problems: string[] };

function checked(candidate: TaskResult): ResultCheck {
	const parsed = taskResultSchema.safeParse(candidate);
	if (parsed.success) return { ok: true, result: parsed.data };
	return { ok: false, problems: [summariseIssues(zodIssues(parsed.error, 'result'))] };
}

/** The result a draft stands for, or what is still missing, in words for the contributor. */
export function resultFromDraft(task: Task, draft: TaskDraft): ResultCheck {
	switch (task.type) {
		case 'initial_prompt':
		case 'prompter_reply':
		case 'assistant_reply': {
			if (draft.kind !== 'text') break;
			if (draft.toolCall) {
				return { ok: false, problems: ['Run the tool you started, or cancel it.'] };
			}
			if (draft.text.trim() === '') return { ok: false, problems: ['Write something first.'] };
			return checked({
				type: task.type,
				taskId: task.id,
				text: draft.text,
				lang: task.lang,
				...(draft.toolSteps && { toolSteps: draft.toolSteps })
			});
		}
		case 'rank_prompter_replies':
		case 'rank_assistant_replies': {
			if (draft.kind !== 'ranking') break;
			return checked(
				draft.notRankable
					? { type: task.type, taskId: task.id, notRankable: true }
					: { type: task.type, taskId: task.id, ranking: [...draft.order] }
			);
		}
		case 'sample_assistant_replies': {
			if (draft.kind !== 'samples') break;
			if (draft.replies.length === 0) return { ok: false, problems: ['Sample the replies first.'] };
			const kept = draft.replies.filter((r) => r.keep);
			if (kept.length === 0) {
				return { ok: false, problems: ['Keep at least one reply, or skip the task.'] };
			}
			return checked({
				type: task.type,
				taskId: task.id,
				lang: task.lang,
				replies: kept.map(({ text, modelName }) => ({ text, modelName }))
			});
		}
		default: {
			if (draft.kind !== 'labels') break;
			const problems = labelFormProblems(task, draft.values);
			if (problems.length > 0) return { ok: false, problems };
			return checked({
				type: task.type,
				taskId: task.id,
				messageId: task.messageId,
				form: task.form,
				labels: submittedLabels(task, draft.values)
			});
		}
	}
	return { ok: false, problems: [`The saved draft does not fit a ${task.type} task.`] };
}

export const skipReasonNames: Readonly<Record<SkipReason, string>> = {
	not_my_language: 'Not my language',
	dont_know_enough: 'I don’t know enough about this',
	inappropriate_content: 'Inappropriate content',
	too_long: 'Too long for me right now',
	other: 'Another reason'
};

export function skipResult(task: Task, reason: SkipReason, note: string): ResultCheck {
	const trimmed = note.trim();
	return checked({
		type: 'skip',
		taskId: task.id,
		reason,
		...(trimmed ? { note: trimmed } : {})
	});
}

import type { LeasedTask } from '$lib/protocol/sync';
import type {
	InitialPromptTask,
	LabelTask,
	RankTask,
	ReplyTask,
	SampleTask,
	Task
} from '$lib/protocol/tasks';
import { labelTaskLabels } from '$lib/protocol/tasks';

const conversation = [
	{ id: 'm-prompt', role: 'prompter' as const, text: 'How do tides work?', lang: 'en' },
	{
		id: 'm-answer',
		role: 'assistant' as const,
		text: 'The Moon pulls the oceans into two bulges.',
		lang: 'en'
	}
];

export function promptTask(id = 't-prompt'): InitialPromptTask {
	return { id, type: 'initial_prompt', lang: 'en', hint: null };
}

export function replyTask(id = 't-reply'): ReplyTask {
	return {
		id,
		type: 'assistant_reply',
		lang: 'en',
		treeId: 'tree-1',
		parentId: 'm-prompt',
		conversation: [conversation[0]]
	};
}

export function sampleTask(id = 't-sample', k = 2): SampleTask {
	return { ...replyTask(id), type: 'sample_assistant_replies', k };
}

export function rankTask(id = 't-rank'): RankTask {
	return {
		id,
		type: 'rank_assistant_replies',
		lang: 'en',
		treeId: 'tree-1',
		parentId: 'm-prompt',
		conversation: [conversation[0]],
		replies: [
			{ id: 'r-a', role: 'assistant', text: 'Gravity.', lang: 'en' },
			{ id: 'r-b', role: 'assistant', text: 'The Moon and the Sun pull the water.', lang: 'en' },
			{ id: 'r-c', role: 'assistant', text: 'Wind.', lang: 'en' }
		]
	};
}

export function labelTask(id = 't-label', form: 'full' | 'simple' = 'full'): LabelTask {
	return {
		id,
		type: 'label_assistant_reply',
		lang: 'en',
		treeId: 'tree-1',
		messageId: 'm-answer',
		conversation,
		form,
		...labelTaskLabels('label_assistant_reply', form)
	};
}

export function leased(task: Task, tags: string[] = [], leasedAt = 1_000): LeasedTask {
	return { task, leasedAt, expiresAt: leasedAt + 48 * 3_600_000, tags };
}

// Short guidelines for each kind of task, after OpenAssistant's contributor guide. Shown above
// the form; kept short enough to be read every time.
import type { TaskType } from '$lib/protocol/tasks';

export interface TaskGuide {
	title: string;
	/** What to do, in one sentence. */
	instruction: string;
	points: readonly string[];
}

const writingBasics = [
	'Write in the language of the task.',
	'Never include personal data: names, addresses, phone numbers, account numbers.'
];

const rankingBasics = [
	'Put the best reply first: helpful, correct, honest and harmless beats long or clever.',
	'Drag the cards, or use the arrow buttons (or the arrow keys on a focused card).',
	'If none of them can be put in a sensible order — all broken, all unacceptable — say so.'
];

const labelBasics = [
	'Judge the last message only; the conversation above is its context.',
	'Spam means intentionally low-quality or irrelevant, not merely imperfect.',
	'The scales run between the two named ends; leave a scale alone if you cannot tell.'
];

export const taskGuides: Readonly<Record<TaskType, TaskGuide>> = {
	initial_prompt: {
		title: 'Write a prompt',
		instruction: 'Ask the assistant something a real person would want help with.',
		points: [
			'Be specific: give the context the assistant needs.',
			'Vary what you ask: questions, tasks, creative requests, advice.',
			...writingBasics
		]
	},
	prompter_reply: {
		title: 'Reply as the user',
		instruction: 'Continue the conversation as the person who asked.',
		points: [
			'Follow up naturally: ask for detail, push back, or move on to a related need.',
			'Stay in the role of the user, not of the assistant.',
			...writingBasics
		]
	},
	assistant_reply: {
		title: 'Reply as the assistant',
		instruction: 'Write the ideal answer to the last message.',
		points: [
			'Be helpful, correct and honest; say so when you are not sure.',
			'Refuse politely what would cause harm, and explain why.',
			'Use Markdown for lists, code and tables where it helps reading.',
			...writingBasics
		]
	},
	sample_assistant_replies: {
		title: 'Sample model replies on this device',
		instruction:
			'Let the model on this device answer the last message a few times, and keep the replies worth ranking.',
		points: [
			'The model runs here, offline too; the replies are marked as written by it.',
			'Drop a reply that carries personal data, or is nonsense or empty.',
			'Keeping a wrong but sensible reply is fine: people rank it against the others.'
		]
	},
	rank_prompter_replies: {
		title: 'Rank user replies',
		instruction: 'Order these follow-ups from the most to the least useful for the conversation.',
		points: rankingBasics
	},
	rank_assistant_replies: {
		title: 'Rank assistant replies',
		instruction: 'Order these answers from best to worst.',
		points: rankingBasics
	},
	label_initial_prompt: {
		title: 'Label a prompt',
		instruction: 'Say what you think of this prompt.',
		points: labelBasics
	},
	label_prompter_reply: {
		title: 'Label a user reply',
		instruction: 'Say what you think of the user’s last message.',
		points: labelBasics
	},
	label_assistant_reply: {
		title: 'Label an assistant reply',
		instruction: 'Say what you think of the assistant’s last answer.',
		points: [...labelBasics, 'Fails the task: it does not do what was asked, however well written.']
	}
};

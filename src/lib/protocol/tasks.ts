// Contribution tasks on the wire: what the server hands out (a task with everything needed to
// do it offline) and what the app sends back (a submission or a skip). Browser-safe.
import { z } from 'zod';
import {
	allowedLabels,
	labelFormSchema,
	labelNameSchema,
	labelValueProblems,
	labelValuesSchema,
	mandatoryLabels,
	type LabelTarget
} from './labels';
import { replyToolStepsSchema } from './tools';
import { entityIdSchema, langSchema, messageRoleSchema } from './trees';

export const textTaskTypes = ['initial_prompt', 'prompter_reply', 'assistant_reply'] as const;
export const rankTaskTypes = ['rank_prompter_replies', 'rank_assistant_replies'] as const;
export const labelTaskTypes = [
	'label_initial_prompt',
	'label_prompter_reply',
	'label_assistant_reply'
] as const;
/**
 * Replies sampled from the model on the contributor's own device, read and curated by them: the
 * InstructGPT recipe's model samples for people to rank, with no GPU on the server.
 */
export const sampleTaskTypes = ['sample_assistant_replies'] as const;
export const taskTypes = [
	...textTaskTypes,
	...rankTaskTypes,
	...labelTaskTypes,
	...sampleTaskTypes
] as const;

export const taskTypeSchema = z.enum(taskTypes);
export type TaskType = z.infer<typeof taskTypeSchema>;
export type TextTaskType = (typeof textTaskTypes)[number];
export type RankTaskType = (typeof rankTaskTypes)[number];
export type LabelTaskType = (typeof labelTaskTypes)[number];
export type SampleTaskType = (typeof sampleTaskTypes)[number];

/** Replies one sampling task may ask for and return. */
export const MAX_SAMPLES = 8;

/** A task request names one type or asks for `random` (the weighted choice). */
export const taskRequestTypeSchema = z.enum(['random', ...taskTypes]);
export type TaskRequestType = z.infer<typeof taskRequestTypeSchema>;

export const labelTargetOfTaskType: Readonly<Record<LabelTaskType, LabelTarget>> = {
	label_initial_prompt: 'initial_prompt',
	label_prompter_reply: 'prompter_reply',
	label_assistant_reply: 'assistant_reply'
};

export function isLabelTaskType(type: string): type is LabelTaskType {
	return (labelTaskTypes as readonly string[]).includes(type);
}

export const conversationMessageSchema = z.object({
	id: entityIdSchema,
	role: messageRoleSchema,
	text: z.string(),
	lang: langSchema,
	/** The tool rounds of an assistant reply written with tools; `text` is its final answer. */
	toolSteps: replyToolStepsSchema.optional()
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;

const taskBase = {
	id: entityIdSchema,
	/** The language the task is in; what the contributor writes must be in it too. */
	lang: langSchema
};

/** The conversation from the initial prompt down to the message the task is about. */
const conversation = z.array(conversationMessageSchema).min(1);

export const initialPromptTaskSchema = z.object({
	...taskBase,
	type: z.literal('initial_prompt'),
	hint: z.string().nullable()
});

export const replyTaskSchema = z.object({
	...taskBase,
	type: z.enum(['prompter_reply', 'assistant_reply']),
	treeId: entityIdSchema,
	/** The message to answer: the last of `conversation`. */
	parentId: entityIdSchema,
	conversation
});

export const sampleTaskSchema = z.object({
	...taskBase,
	type: z.enum(sampleTaskTypes),
	treeId: entityIdSchema,
	/** The prompter message to answer: the last of `conversation`. */
	parentId: entityIdSchema,
	conversation,
	/** How many replies to sample: what the parent still lacks, within the synthetic share. */
	k: z.number().int().min(1).max(MAX_SAMPLES)
});

export const rankTaskSchema = z.object({
	...taskBase,
	type: z.enum(rankTaskTypes),
	treeId: entityIdSchema,
	/** The message whose replies are ranked: the last of `conversation`. */
	parentId: entityIdSchema,
	conversation,
	/** Sibling replies in a random order, so the order shown carries no hint. */
	replies: z.array(conversationMessageSchema).min(2)
});

export const labelTaskSchema = z.object({
	...taskBase,
	type: z.enum(labelTaskTypes),
	treeId: entityIdSchema,
	/** The message to label: the last of `conversation`. */
	messageId: entityIdSchema,
	conversation,
	form: labelFormSchema,
	validLabels: z.array(labelNameSchema).min(1),
	mandatoryLabels: z.array(labelNameSchema)
});

export const taskSchema = z.discriminatedUnion('type', [
	initialPromptTaskSchema,
	replyTaskSchema,
	rankTaskSchema,
	labelTaskSchema,
	sampleTaskSchema
]);
export type Task = z.infer<typeof taskSchema>;
export type InitialPromptTask = z.infer<typeof initialPromptTaskSchema>;
export type ReplyTask = z.infer<typeof replyTaskSchema>;
export type RankTask = z.infer<typeof rankTaskSchema>;
export type LabelTask = z.infer<typeof labelTaskSchema>;
export type SampleTask = z.infer<typeof sampleTaskSchema>;

/**
 * A guard against oversized bodies only; the configured text limit (2,000 characters by
 * default) is the server's to enforce, so an operator can change it without a new app.
 */
export const TEXT_BODY_CEILING = 100_000;

export const textSubmissionSchema = z
	.object({
		type: z.enum(textTaskTypes),
		taskId: entityIdSchema,
		/** With `toolSteps`, the final answer after the last round. */
		text: z
			.string()
			.max(TEXT_BODY_CEILING)
			.refine((text) => text.trim().length > 0, 'must not be empty'),
		lang: langSchema,
		/** The tools an assistant reply used, with their real results, round by round. */
		toolSteps: replyToolStepsSchema.optional()
	})
	.superRefine((value, ctx) => {
		if (value.toolSteps !== undefined && value.type !== 'assistant_reply') {
			ctx.addIssue({
				code: 'custom',
				path: ['toolSteps'],
				message: `only an assistant reply uses tools, not a ${value.type} task's text`
			});
		}
	});
export type TextSubmission = z.infer<typeof textSubmissionSchema>;

/**
 * Either an order of the shown replies (best first, each exactly once) or `notRankable`:
 * none of them can be put in an order (all flawed or unacceptable), which is recorded too.
 */
export const rankSubmissionSchema = z
	.object({
		type: z.enum(rankTaskTypes),
		taskId: entityIdSchema,
		ranking: z.array(entityIdSchema).min(2).optional(),
		notRankable: z.literal(true).optional()
	})
	.superRefine((value, ctx) => {
		if ((value.ranking === undefined) === (value.notRankable === undefined)) {
			ctx.addIssue({
				code: 'custom',
				path: ['ranking'],
				message: 'give either a ranking or notRankable: true, not both and not neither'
			});
		} else if (value.ranking && new Set(value.ranking).size !== value.ranking.length) {
			ctx.addIssue({ code: 'custom', path: ['ranking'], message: 'must not repeat an id' });
		}
	});
export type RankSubmission = z.infer<typeof rankSubmissionSchema>;

export const labelSubmissionSchema = z
	.object({
		type: z.enum(labelTaskTypes),
		taskId: entityIdSchema,
		messageId: entityIdSchema,
		form: labelFormSchema,
		labels: labelValuesSchema
	})
	.superRefine((value, ctx) => {
		const target = labelTargetOfTaskType[value.type];
		for (const problem of labelValueProblems(target, value.form, value.labels)) {
			ctx.addIssue({ code: 'custom', path: ['labels', problem.label], message: problem.message });
		}
	});
export type LabelSubmission = z.infer<typeof labelSubmissionSchema>;

/** The sampled replies the contributor kept: each becomes a synthetic assistant reply. */
export const sampleSubmissionSchema = z.object({
	type: z.enum(sampleTaskTypes),
	taskId: entityIdSchema,
	lang: langSchema,
	replies: z
		.array(
			z.object({
				text: z
					.string()
					.max(TEXT_BODY_CEILING)
					.refine((text) => text.trim().length > 0, 'must not be empty'),
				/** The model that wrote it, as `<model>@<version>` for registry versions. */
				modelName: z.string().trim().min(1).max(200)
			})
		)
		.min(1, 'must keep at least one reply (or skip the task)')
		.max(MAX_SAMPLES, `must hold at most ${MAX_SAMPLES} replies`)
});
export type SampleSubmission = z.infer<typeof sampleSubmissionSchema>;

export const skipReasons = [
	'not_my_language',
	'dont_know_enough',
	'inappropriate_content',
	'too_long',
	'other'
] as const;
export const skipReasonSchema = z.enum(skipReasons);
export type SkipReason = z.infer<typeof skipReasonSchema>;

export const skipSchema = z.object({
	type: z.literal('skip'),
	taskId: entityIdSchema,
	reason: skipReasonSchema,
	note: z.string().max(500).optional()
});
export type Skip = z.infer<typeof skipSchema>;

/** Everything a contributor can send back for a leased task. */
export const taskResultSchema = z.discriminatedUnion('type', [
	textSubmissionSchema,
	rankSubmissionSchema,
	labelSubmissionSchema,
	sampleSubmissionSchema,
	skipSchema
]);
export type TaskResult = z.infer<typeof taskResultSchema>;

/** The labels and mandatory labels a label task of this type and form carries. */
export function labelTaskLabels(
	type: LabelTaskType,
	form: z.infer<typeof labelFormSchema>
): { validLabels: LabelTask['validLabels']; mandatoryLabels: LabelTask['mandatoryLabels'] } {
	return {
		validLabels: [...allowedLabels(labelTargetOfTaskType[type], form)],
		mandatoryLabels: [...mandatoryLabels]
	};
}

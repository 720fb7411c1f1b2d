// Moderator tools on the wire: the flagged-message queue, a tree's full view with its history,
// deleting and restoring messages, halting and restarting trees, bans, and the trollboard.
// Browser-safe: zod only, no I/O.
import { z } from 'zod';
import { leaderboardWindowSchema } from './points';
import { tagSchema } from './sync';
import { replyToolStepsSchema } from './tools';
import {
	entityIdSchema,
	langSchema,
	messageRoleSchema,
	messageStatusSchema,
	treeStateSchema
} from './trees';

/** Every moderator action says why; the reason is kept in the moderation log. */
export const moderationReasonSchema = z.object({
	reason: z.string().trim().min(1, 'must say why').max(500, 'must be at most 500 characters')
});
export type ModerationReason = z.infer<typeof moderationReasonSchema>;

export const messageIdParamsSchema = z.object({ messageId: entityIdSchema });
export const treeIdParamsSchema = z.object({ treeId: entityIdSchema });

const booleanQuery = z
	.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
	.transform((v) => v === 'true' || v === '1');

export const flaggedQuerySchema = z.object({
	limit: z.coerce
		.number({ error: 'must be a number' })
		.int('must be a whole number')
		.min(1, 'must be at least 1')
		.max(200, 'must be at most 200')
		.default(50),
	/** Also list flagged messages that were already deleted. */
	includeDeleted: booleanQuery.default(false)
});

/** Review labels that put a message in the queue when any reviewer set them. */
export const queueFlagLabels = ['pii', 'not_appropriate', 'hate_speech', 'sexual_content'] as const;

export const flaggedMessageSchema = z.object({
	messageId: entityIdSchema,
	treeId: entityIdSchema,
	treeState: treeStateSchema,
	role: messageRoleSchema,
	text: z.string(),
	authorId: entityIdSchema,
	authorName: z.string(),
	status: messageStatusSchema,
	createdAt: z.number().int(),
	redFlags: z.number().int(),
	/** Reasons contributors gave with their red flags. */
	flagReasons: z.array(z.string()),
	/** How many reviewers set each of `queueFlagLabels`. */
	reviewFlags: z.record(z.string(), z.number().int()),
	/** Of a reply that called tools: its calls and their results, which may be what was flagged. */
	toolSteps: replyToolStepsSchema.optional()
});
export type FlaggedMessage = z.infer<typeof flaggedMessageSchema>;

export const flaggedResponseSchema = z.object({ messages: z.array(flaggedMessageSchema) });
export type FlaggedResponse = z.infer<typeof flaggedResponseSchema>;

export const moderatorMessageSchema = z.object({
	id: entityIdSchema,
	parentId: entityIdSchema.nullable(),
	role: messageRoleSchema,
	authorId: entityIdSchema,
	text: z.string(),
	status: messageStatusSchema,
	late: z.boolean(),
	rank: z.number().int().nullable(),
	redFlags: z.number().int(),
	replySkips: z.number().int(),
	reviews: z.number().int(),
	createdAt: z.number().int(),
	toolSteps: replyToolStepsSchema.optional()
});

export const treeEventSchema = z.object({
	from: treeStateSchema.nullable(),
	to: treeStateSchema,
	reason: z.string(),
	/** The moderator who caused it; null for automatic transitions. */
	actorId: entityIdSchema.nullable(),
	at: z.number().int()
});

export const moderatorTreeSchema = z.object({
	treeId: entityIdSchema,
	lang: langSchema,
	state: treeStateSchema,
	tags: z.array(tagSchema),
	messages: z.array(moderatorMessageSchema),
	/** State changes, oldest first. */
	events: z.array(treeEventSchema)
});
export type ModeratorTree = z.infer<typeof moderatorTreeSchema>;

export const messageModerationResultSchema = z.object({
	/** The messages whose deleted flag changed (the message and its subtree). */
	messageIds: z.array(entityIdSchema),
	treeState: treeStateSchema
});
export type MessageModerationResult = z.infer<typeof messageModerationResultSchema>;

export const treeModerationResultSchema = z.object({
	treeId: entityIdSchema,
	state: treeStateSchema
});

export const banResultSchema = z.object({
	userId: entityIdSchema,
	banned: z.boolean(),
	/** Open leases taken back from the user. */
	releasedLeases: z.number().int(),
	/** The user's prompts still in review or waiting for the lottery, now halted. */
	haltedTrees: z.array(entityIdSchema)
});
export type BanResult = z.infer<typeof banResultSchema>;

export const trollboardQuerySchema = z.object({
	window: leaderboardWindowSchema.default('month'),
	limit: z.coerce
		.number({ error: 'must be a number' })
		.int('must be a whole number')
		.min(1, 'must be at least 1')
		.max(200, 'must be at most 200')
		.default(50)
});

export const trollboardRowSchema = z.object({
	userId: entityIdSchema,
	displayName: z.string(),
	banned: z.boolean(),
	/** Red flags on the user's messages. */
	redFlags: z.number().int(),
	/** The user's messages rejected by review, and deleted. */
	rejected: z.number().int(),
	deleted: z.number().int(),
	/** Reviews of the user's messages calling them spam, and setting a queue flag. */
	spamLabels: z.number().int(),
	flagLabels: z.number().int(),
	/** red flags + rejected + deleted + spam labels + flag labels; the board's order. */
	score: z.number().int()
});
export type TrollboardRow = z.infer<typeof trollboardRowSchema>;

export const trollboardResponseSchema = z.object({
	window: leaderboardWindowSchema,
	rows: z.array(trollboardRowSchema)
});
export type TrollboardResponse = z.infer<typeof trollboardResponseSchema>;

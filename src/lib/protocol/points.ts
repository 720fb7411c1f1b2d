// Points, leaderboards, a contributor's statistics and their list of contributions on the wire.
// Browser-safe: zod only, no I/O.
import { z } from 'zod';
import { labelFormSchema, labelValuesSchema } from './labels';
import { pointsSummarySchema } from './sync';
import { rankTaskTypes, textTaskTypes } from './tasks';
import { entityIdSchema, messageStatusSchema, treeStateSchema } from './trees';

export const leaderboardWindows = ['day', 'week', 'month', 'all'] as const;
export const leaderboardWindowSchema = z.enum(leaderboardWindows);
export type LeaderboardWindowName = z.infer<typeof leaderboardWindowSchema>;

const limit = (max: number, fallback: number) =>
	z.coerce
		.number({ error: 'must be a number' })
		.int('must be a whole number')
		.min(1, 'must be at least 1')
		.max(max, `must be at most ${max}`)
		.default(fallback);

export const leaderboardQuerySchema = z.object({
	window: leaderboardWindowSchema.default('week'),
	limit: limit(500, 100)
});

export const leaderboardRowSchema = z.object({
	/** Equal points share a rank: 1, 2, 2, 4. */
	rank: z.number().int().min(1),
	userId: entityIdSchema,
	displayName: z.string(),
	points: z.number()
});
export type LeaderboardRowView = z.infer<typeof leaderboardRowSchema>;

export const leaderboardResponseSchema = z.object({
	window: leaderboardWindowSchema,
	rows: z.array(leaderboardRowSchema),
	/** The caller's own row, even when below the limit; null without points in the window. */
	me: leaderboardRowSchema.nullable()
});
export type LeaderboardResponse = z.infer<typeof leaderboardResponseSchema>;

/** What earned points: writing, acceptance, labels, rankings, own replies ranked 1st/2nd/3rd. */
export const awardKinds = ['wrote', 'accepted', 'labelled', 'ranked', 'reply_ranked'] as const;
export const awardKindSchema = z.enum(awardKinds);
export type AwardKind = z.infer<typeof awardKindSchema>;

export const statsResponseSchema = z.object({
	userId: entityIdSchema,
	displayName: z.string(),
	points: pointsSummarySchema,
	breakdown: z.array(
		z.object({ kind: awardKindSchema, count: z.number().int(), points: z.number() })
	),
	counts: z.object({
		prompts: z.number().int(),
		replies: z.number().int(),
		labels: z.number().int(),
		rankings: z.number().int(),
		accepted: z.number().int(),
		rejected: z.number().int(),
		inReview: z.number().int(),
		rankedFirst: z.number().int()
	}),
	/** Days in a row with contributions (a day may be skipped by up to 36 h of idleness). */
	streak: z
		.object({ days: z.number().int(), startedAt: z.number(), lastActiveAt: z.number() })
		.nullable(),
	agreement: z.object({
		/** Mean Kendall τ of the caller's rankings against the consensus, in [−1, 1]. */
		ranking: z.object({ meanTau: z.number(), rankings: z.number().int() }).nullable(),
		/** 1 − mean deviation of the caller's labels from the other reviewers', in [0, 1]. */
		labels: z.object({ agreement: z.number(), comparisons: z.number().int() }).nullable()
	}),
	/** The caller's place on each leaderboard; null without points in that window. */
	ranks: z.object({
		day: z.number().int().nullable(),
		week: z.number().int().nullable(),
		month: z.number().int().nullable(),
		all: z.number().int().nullable()
	})
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

export const contributionsQuerySchema = z.object({
	limit: limit(200, 50),
	/** Epoch ms: only contributions strictly older (the previous page's `nextBefore`). */
	before: z.coerce
		.number({ error: 'must be a number' })
		.int('must be a whole number')
		.min(0, 'must not be negative')
		.optional()
});

const preview = z.string();

export const contributionSchema = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('message'),
		at: z.number().int(),
		messageId: entityIdSchema,
		treeId: entityIdSchema,
		type: z.enum(textTaskTypes),
		text: z.string(),
		status: messageStatusSchema,
		late: z.boolean(),
		/** 1 for the best of its siblings, 2 for the next …; null until ranked. */
		rankPlace: z.number().int().nullable(),
		treeState: treeStateSchema,
		points: z.number()
	}),
	z.object({
		kind: z.literal('review'),
		at: z.number().int(),
		messageId: entityIdSchema,
		treeId: entityIdSchema,
		messagePreview: preview,
		form: labelFormSchema,
		labels: labelValuesSchema,
		late: z.boolean(),
		points: z.number()
	}),
	z.object({
		kind: z.literal('ranking'),
		at: z.number().int(),
		parentId: entityIdSchema,
		treeId: entityIdSchema,
		type: z.enum(rankTaskTypes),
		parentPreview: preview,
		/** null for "none of these can be ranked". */
		ranking: z.array(entityIdSchema).nullable(),
		late: z.boolean(),
		/** Agreement with the consensus once the tree was scored. */
		tau: z.number().nullable(),
		points: z.number()
	})
]);
export type Contribution = z.infer<typeof contributionSchema>;

export const contributionsResponseSchema = z.object({
	items: z.array(contributionSchema),
	/** Pass as `before` for the next page; null at the end. */
	nextBefore: z.number().int().nullable()
});
export type ContributionsResponse = z.infer<typeof contributionsResponseSchema>;

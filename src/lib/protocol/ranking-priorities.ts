// Active learning for rankings (sync-server/sync/API.md, "Trainer"): after training, the pipeline
// scores every sibling set waiting for rankings — named by the parent message whose replies are
// ranked — with its reward model's uncertainty, and sends the scores; the server hands out
// ranking tasks for the most uncertain sets first. A PUT replaces every priority the server held.
import { z } from 'zod';
import { entityIdSchema } from './trees';

/** Sibling sets one PUT may prioritise (about 70 bytes each, well inside the 8 MiB body limit). */
export const MAX_RANKING_PRIORITIES = 50_000;

export const rankingPrioritySchema = z.strictObject({
	/** The parent message of the sibling set. */
	parentId: entityIdSchema,
	/** The reward model's uncertainty about the set's order: higher is served first. */
	score: z.number().finite()
});
export type RankingPriority = z.infer<typeof rankingPrioritySchema>;

export const rankingPrioritiesRequestSchema = z
	.strictObject({
		priorities: z
			.array(rankingPrioritySchema)
			.max(MAX_RANKING_PRIORITIES, `must hold at most ${MAX_RANKING_PRIORITIES} sibling sets`)
	})
	.superRefine((body, ctx) => {
		const first = new Map<string, number>();
		body.priorities.forEach((p, i) => {
			const earlier = first.get(p.parentId);
			if (earlier === undefined) first.set(p.parentId, i);
			else
				ctx.addIssue({
					code: 'custom',
					path: ['priorities', i, 'parentId'],
					message: `repeats priorities[${earlier}].parentId: name each sibling set once`
				});
		});
	});
export type RankingPrioritiesRequest = z.infer<typeof rankingPrioritiesRequestSchema>;

/** Why a named parent got no priority; the rest of the request is stored all the same. */
export const rankingPriorityRejections = [
	/** No such message. */
	'unknown_message',
	/** Its tree is not in the `ranking` state. */
	'not_ranking',
	/** It does not have two or more accepted, live replies to rank. */
	'not_a_sibling_set'
] as const;

export const rankingPrioritiesResponseSchema = z.object({
	/** Priorities now held: exactly the accepted entries of this request. */
	stored: z.number().int().nonnegative(),
	rejected: z.array(
		z.object({
			parentId: z.string(),
			code: z.enum(rankingPriorityRejections),
			message: z.string()
		})
	)
});
export type RankingPrioritiesResponse = z.infer<typeof rankingPrioritiesResponseSchema>;

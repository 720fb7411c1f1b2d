// The oasst tree-line format (oasst1/oasst2 `*.trees.jsonl`), which the seed generator writes and
// the server export will write: one tree per line, messages nested under `replies`. Fields follow
// OpenAssistant's export schema; unknown fields are ignored, a known field of the wrong type is an error.
import { z } from 'zod';

const label = z.object({
	value: z.number().min(0).max(1).nullable(),
	count: z.number().int().nonnegative()
});

export const oasstMessageSchema = z.object({
	message_id: z.string().min(1),
	parent_id: z.string().min(1).nullable(),
	user_id: z.string().nullish(),
	created_date: z.string().nullish(),
	text: z.string(),
	role: z.enum(['prompter', 'assistant']),
	lang: z.string().nullish(),
	review_count: z.number().int().nonnegative().nullish(),
	review_result: z.boolean().nullish(),
	deleted: z.boolean().nullish(),
	rank: z.number().int().nonnegative().nullish(),
	synthetic: z.boolean().nullish(),
	model_name: z.string().nullish(),
	emojis: z.record(z.string(), z.number().int()).nullish(),
	labels: z.record(z.string(), label).nullish(),
	events: z.record(z.string(), z.array(z.object({ type: z.string() }))).nullish(),
	get replies() {
		return z.array(oasstMessageSchema).nullish();
	}
});

export const oasstTreeSchema = z.object({
	message_tree_id: z.string().min(1),
	tree_state: z.string().nullish(),
	prompt: oasstMessageSchema,
	origin: z.string().nullish()
});

export type OasstMessage = z.infer<typeof oasstMessageSchema>;
export type OasstTree = z.infer<typeof oasstTreeSchema>;

/**
 * Trees whose `origin` is `hearth-seed/<skill>` end with a question that has exactly one correct
 * reply (the rank-0 one), so exact match can grade a model on them.
 */
export const CHECKABLE_ORIGIN = 'hearth-seed';

export function checkableSkill(tree: OasstTree): string | null {
	const prefix = `${CHECKABLE_ORIGIN}/`;
	return tree.origin?.startsWith(prefix) ? tree.origin.slice(prefix.length) : null;
}

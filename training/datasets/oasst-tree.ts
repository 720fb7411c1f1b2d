// The oasst tree-line format (oasst1/oasst2 `*.trees.jsonl`), which the seed generator writes and
// the datasets read: one tree per line, messages nested under `replies` (read-trees.ts also takes
// OpenAssistant's flat `*.messages.jsonl` and nests it). The schemas are the protocol's
// (src/lib/protocol/export.ts), so seed data, OpenAssistant's files, server imports and server
// exports agree, Hearth's `tool_steps` included: an assistant message that used tools carries its
// rounds of calls there, its `text` being the final answer. Readers that do not know the field
// (OpenAssistant's) ignore it and read the final answer.
import { z } from 'zod';
import { oasstNodeSchema, oasstTreeLineSchema } from '../../src/lib/protocol/export';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';

/** One round of a tool-using reply: its text before the calls, and the calls with their results. */
export type ToolStep = ReplyToolStep;

export const oasstMessageSchema = oasstNodeSchema.extend({
	get replies() {
		return z.array(oasstMessageSchema).nullish();
	}
});
export const oasstTreeSchema = oasstTreeLineSchema.extend({ prompt: oasstMessageSchema });

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

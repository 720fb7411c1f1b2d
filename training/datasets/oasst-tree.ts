// The oasst tree-line format (oasst1/oasst2 `*.trees.jsonl`), which the seed generator writes and
// the datasets read: one tree per line, messages nested under `replies` (read-trees.ts also takes
// OpenAssistant's flat `*.messages.jsonl` and nests it). The schemas are the protocol's
// (src/lib/protocol/export.ts), so seed data, OpenAssistant's files, server imports and server
// exports agree, plus one field of the pipeline's own: an assistant message that used tools
// carries its rounds of calls as `tool_steps`, its `text` being the final answer. Readers that do
// not know the field (OpenAssistant's, the server's import) ignore it and read the final answer.
import { z } from 'zod';
import { oasstNodeSchema, oasstTreeLineSchema } from '../../src/lib/protocol/export';

/** One call of a round: the arguments as the model wrote them (an object when they parsed). */
export const toolCallSchema = z.object({
	name: z.string().min(1),
	arguments: z.union([z.record(z.string(), z.unknown()), z.string()]),
	result: z.string()
});

/** One round of a tool-using reply: its text before the calls, and the calls with their results
 * (the shape of `toolTurns` in src/lib/shared/tool-calls.ts). */
export const toolStepSchema = z.object({
	text: z.string(),
	calls: z.array(toolCallSchema).min(1)
});
export type ToolStep = z.infer<typeof toolStepSchema>;

export const toolStepsSchema = z.array(toolStepSchema).min(1);

export const oasstMessageSchema = oasstNodeSchema.extend({
	tool_steps: toolStepsSchema.nullish(),
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

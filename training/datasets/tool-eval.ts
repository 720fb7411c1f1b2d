// A held-out question whose best reply used tools is graded with the tools, turn by turn: its
// first stage prompts with the tool list and expects the reply's call turn exactly; the next gives
// the recorded call and its result (the tools are deterministic, so a right call gets exactly
// that result) and expects the next turn, up to the final answer. It is right when every stage
// is. The same question is also asked without tools, graded against the final answer alone.
import type { ChatFormat } from '../../src/lib/shared/chat-format';
import { toChat } from './conversations';
import type { OasstMessage } from './oasst-tree';
import { replyIds, type TemplateExtra } from './tool-rendering';

export interface ToolStage {
	/** The conversation so far, rendered with the tool list, ending with the generation prompt. */
	prompt_ids: number[];
	/** The turn expected at this stage: a call turn as the template writes it, or the answer. */
	answer: string;
	/** Enough for the whole expected turn (a call is longer than most answers). */
	max_new_tokens: number;
}

/** The stages of `reply` (a tool-using best reply) to `question`, or null when one does not fit `maxLength`. */
export function toolStages(
	format: ChatFormat,
	question: OasstMessage[],
	reply: OasstMessage,
	extra: TemplateExtra,
	budget: { maxNewTokens: number; maxLength: number }
): ToolStage[] | null {
	const history = toChat(question, true);
	const turns = toChat([reply], true);
	const stages: ToolStage[] = [];
	for (const [i, turn] of turns.entries()) {
		if (turn.role !== 'assistant') continue;
		const context = [...history, ...turns.slice(0, i)];
		const prompt_ids = format.promptIds(context, extra);
		const expected = replyIds(format, context, [turn], extra);
		const max_new_tokens = Math.max(budget.maxNewTokens, expected.length);
		if (prompt_ids.length + max_new_tokens > budget.maxLength) return null;
		// Without its end-of-turn token, as the evaluation decodes a reply.
		stages.push({ prompt_ids, answer: format.decode(expected.slice(0, -1), true), max_new_tokens });
	}
	return stages;
}

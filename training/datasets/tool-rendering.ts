// How conversations meet tools in the data files. A tree in which a reply used tools is rendered
// with the tool list the browser sends (the template's `tools`), its tool rounds expanded into
// the assistant turns with calls and the tool turns with results. So that the tool list does not
// throw the model off everything else, about half the other trees (chosen by a hash of the
// tree's id, the same ones every run) are rendered with the list too, answering without a call.
// The loss covers calls and answers, never tool results (ChatFormat.trainingExample).
import { createHash } from 'node:crypto';
import type { ChatFormat, ChatMessage } from '../../src/lib/shared/chat-format';
import type { ToolSpec } from '../../src/lib/protocol/tools';
import type { OasstMessage, OasstTree } from './oasst-tree';

/** What the chat template gets beside the messages: `{tools}`, or nothing. */
export type TemplateExtra = { tools?: ToolSpec[] };

export function usesTools(tree: OasstTree): boolean {
	const used = (message: OasstMessage): boolean =>
		(message.tool_steps?.length ?? 0) > 0 || (message.replies ?? []).some(used);
	return used(tree.prompt);
}

/** Whether a tree that uses no tools is rendered with the tool list all the same: about half are. */
export function listsTools(treeId: string): boolean {
	return createHash('sha256').update(`tools-listed:${treeId}`).digest()[0] < 128;
}

/**
 * The template's extra variables for `tree`, or null when it uses tools that cannot be rendered:
 * the run has no tool list, or the model's template does not render tools.
 */
export function templateExtra(
	tree: OasstTree,
	tools: ToolSpec[],
	format: ChatFormat
): TemplateExtra | null {
	const renders = tools.length > 0 && format.readsTools;
	if (usesTools(tree)) return renders ? { tools } : null;
	return renders && listsTools(tree.message_tree_id) ? { tools } : {};
}

/**
 * Ids of `reply` — one assistant message, or a tool-using reply's turns: calls, results, final
 * text — as it follows `history`, up to and including the end-of-turn token of its last
 * assistant turn (the tool results in between included, as the model reads them).
 */
export function replyIds(
	format: ChatFormat,
	history: ChatMessage[],
	reply: ChatMessage[],
	extra: TemplateExtra
): number[] {
	// A plain reply without tools is what the format measures itself, with far fewer renders.
	if (reply.length === 1 && !extra.tools) return format.replyIds(history, reply[0].content);
	const prompt = format.promptIds(history, extra);
	const { input_ids, loss_mask } = format.trainingExample([...history, ...reply], extra);
	if (prompt.some((id, i) => input_ids[i] !== id)) {
		throw new Error('chat template tokenizes a conversation differently from its prompt');
	}
	return input_ids.slice(prompt.length, loss_mask.lastIndexOf(1) + 1);
}

export interface PreferencePair {
	prompt_ids: number[];
	chosen_ids: number[];
	rejected_ids: number[];
}

/**
 * Two ranked replies as DPO takes them: the conversation up to the first turn in which they
 * differ, and that turn of each. A reply that made the same calls as the better one shares its
 * results, so the pair weighs only the final answers; against a reply that skipped the tool, it
 * weighs the call against the guess. Should the replies first differ in a tool result (a tool
 * that answered the same call differently), the pair is the whole replies.
 */
export function preferencePair(
	format: ChatFormat,
	history: ChatMessage[],
	better: ChatMessage[],
	worse: ChatMessage[],
	extra: TemplateExtra
): PreferencePair {
	const same = (a: ChatMessage, b: ChatMessage) => JSON.stringify(a) === JSON.stringify(b);
	let turn = 0;
	while (turn < better.length && turn < worse.length && same(better[turn], worse[turn])) turn++;
	const decisive = better[turn]?.role === 'assistant' && worse[turn]?.role === 'assistant';
	const context = decisive ? [...history, ...better.slice(0, turn)] : history;
	return {
		prompt_ids: format.promptIds(context, extra),
		chosen_ids: replyIds(format, context, decisive ? [better[turn]] : better, extra),
		rejected_ids: replyIds(format, context, decisive ? [worse[turn]] : worse, extra)
	};
}

// Turns one oasst tree into the conversations training needs (pure functions, no tokens yet):
// the best-ranked thread for SFT, every ranked sibling list with its history for the reward
// model and DPO, and the last question of the best thread as a checkable evaluation prompt.
// Until people rank a sibling set, a reply its author kept among regenerated ones (a donated
// chat's `_kept` emoji) is preferred to each of its siblings.
import { KEPT_EMOJI } from '../../src/lib/protocol/donations';
import type { ChatMessage } from '../../src/lib/shared/chat-format';
import { toolTurns } from '../../src/lib/shared/tool-calls';
import type { OasstMessage, OasstTree } from './oasst-tree';

export interface RankedList {
	history: OasstMessage[];
	/** Best first. */
	replies: OasstMessage[];
}

/** Deleted messages and those that failed review take their subtree with them. */
function liveReplies(message: OasstMessage): OasstMessage[] {
	return (message.replies ?? []).filter((r) => r.deleted !== true && r.review_result !== false);
}

function isKept(message: OasstMessage): boolean {
	return (message.emojis?.[KEPT_EMOJI] ?? 0) > 0;
}

/**
 * Replies ordered by rank (rank 0 first); unranked replies after ranked ones, a kept one first
 * among them, otherwise in export order.
 */
function byRank(replies: OasstMessage[]): OasstMessage[] {
	const unranked = (m: OasstMessage) => (isKept(m) ? Number.MAX_VALUE : Infinity);
	return replies
		.map((reply, order) => ({ reply, order }))
		.sort(
			(a, b) =>
				(a.reply.rank ?? unranked(a.reply)) - (b.reply.rank ?? unranked(b.reply)) ||
				a.order - b.order
		)
		.map(({ reply }) => reply);
}

/** Root to leaf, taking the best-ranked reply at every step; ends with an assistant message (or is empty). */
export function bestThread(tree: OasstTree): OasstMessage[] {
	const thread: OasstMessage[] = [];
	for (
		let node: OasstMessage | undefined = tree.prompt;
		node;
		node = byRank(liveReplies(node))[0]
	) {
		thread.push(node);
	}
	while (thread.length > 0 && thread[thread.length - 1].role !== 'assistant') thread.pop();
	return thread;
}

/** Every prompter message with at least two live assistant replies, ranked or not yet. */
export function siblingSets(tree: OasstTree): RankedList[] {
	const lists: RankedList[] = [];
	const walk = (node: OasstMessage, history: OasstMessage[]) => {
		const path = [...history, node];
		const replies = liveReplies(node);
		if (node.role === 'prompter' && replies.length >= 2)
			lists.push({ history: path, replies: byRank(replies) });
		for (const reply of replies) walk(reply, path);
	};
	walk(tree.prompt, []);
	return lists;
}

/** Every prompter message with at least two fully ranked assistant replies. */
export function rankedLists(tree: OasstTree): RankedList[] {
	return siblingSets(tree).filter((list) => list.replies.every((r) => r.rank != null));
}

/**
 * Sibling sets nobody ranked yet in which the person kept one reply: that reply over each of the
 * others, as two-reply lists.
 */
export function keptPreferences(tree: OasstTree): RankedList[] {
	return siblingSets(tree).flatMap(({ history, replies }) => {
		if (replies.some((r) => r.rank != null)) return [];
		const kept = replies.filter(isKept);
		if (kept.length !== 1) return [];
		return replies
			.filter((r) => r !== kept[0])
			.map((other) => ({ history, replies: [kept[0], other] }));
	});
}

/**
 * The messages as the chat template receives them (oasst roles; the template maps `prompter`).
 * With `toolRounds`, a tool-using reply's rounds come before its final text: the assistant turns
 * with their calls and the tool turns with the results (toolTurns); without, it is its final
 * text alone, as in a conversation where no tools were offered.
 */
export function toChat(messages: OasstMessage[], toolRounds = false): ChatMessage[] {
	return messages.flatMap((m): ChatMessage[] => [
		...(toolRounds && m.tool_steps ? toolTurns(m.tool_steps) : []),
		{ role: m.role, content: m.text }
	]);
}

/** The same messages with the roles a chat UI uses, for files that browsers read. */
export function toUserChat(messages: OasstMessage[]): ChatMessage[] {
	return messages.map((m) => ({ role: m.role === 'prompter' ? 'user' : m.role, content: m.text }));
}

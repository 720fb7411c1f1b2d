// Turns one oasst tree into the conversations training needs (pure functions, no tokens yet):
// the best-ranked thread for SFT, every ranked sibling list with its history for the reward
// model and DPO, and the last question of the best thread as a checkable evaluation prompt.
import type { ChatMessage } from '../../src/lib/shared/chat-format';
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

/** Replies ordered by rank (rank 0 first); unranked replies after ranked ones, in export order. */
function byRank(replies: OasstMessage[]): OasstMessage[] {
	return replies
		.map((reply, order) => ({ reply, order }))
		.sort((a, b) => (a.reply.rank ?? Infinity) - (b.reply.rank ?? Infinity) || a.order - b.order)
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

/** The messages as the chat template receives them (oasst roles; the template maps `prompter`). */
export function toChat(messages: OasstMessage[]): ChatMessage[] {
	return messages.map((m) => ({ role: m.role, content: m.text }));
}

/** The same messages with the roles a chat UI uses, for files that browsers read. */
export function toUserChat(messages: OasstMessage[]): ChatMessage[] {
	return messages.map((m) => ({ role: m.role === 'prompter' ? 'user' : m.role, content: m.text }));
}

import { childrenOf, findNode, newestLeafUnder, subtreeOf, type TreeNode } from './tree';

export interface Deleted<M> {
	messages: M[];
	removedIds: string[];
	/** What to show next: unchanged when it survived, else the nearest surviving branch. */
	leafId: string | null;
}

/**
 * Removes `id` and everything under it. When the visible leaf goes with it, the view moves to
 * the newest leaf of the next sibling (the previous one when it was the last), else to the
 * parent, so the user lands next to what they deleted rather than at the top.
 */
export function deleteSubtree<M extends TreeNode>(
	messages: readonly M[],
	id: string,
	currentLeafId: string | null
): Deleted<M> {
	const node = findNode(messages, id);
	const removed = new Set(subtreeOf(messages, id).map((m) => m.id));
	const remaining = messages.filter((m) => !removed.has(m.id));
	let leafId = currentLeafId;
	if (leafId === null || removed.has(leafId)) {
		const siblings = childrenOf(messages, node.parentId);
		const at = siblings.findIndex((m) => m.id === id);
		const neighbour = siblings[at + 1] ?? siblings[at - 1];
		leafId = neighbour ? newestLeafUnder(remaining, neighbour.id) : node.parentId;
	}
	return { messages: remaining, removedIds: [...removed], leafId };
}

// A conversation is a tree of messages stored flat, each pointing at its parent (null for a
// root: the first user message and any edit of it). These pure functions are the only place
// that knows how the tree is walked; the page and the session call them and never loop over
// parent ids themselves.

export interface TreeNode {
	id: string;
	parentId: string | null;
	createdAt: number;
}

function byAge(a: TreeNode, b: TreeNode): number {
	return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Children of `parentId` (roots when null), oldest first: the order the sibling switcher shows. */
export function childrenOf<M extends TreeNode>(
	messages: readonly M[],
	parentId: string | null
): M[] {
	return messages.filter((m) => m.parentId === parentId).sort(byAge);
}

export function findNode<M extends TreeNode>(messages: readonly M[], id: string): M {
	const node = messages.find((m) => m.id === id);
	if (!node) throw new Error(`message ${id} is not in this conversation`);
	return node;
}

/** The visible thread: root → `leafId`. Empty when there is no leaf yet. */
export function pathTo<M extends TreeNode>(messages: readonly M[], leafId: string | null): M[] {
	if (leafId === null) return [];
	const byId = new Map(messages.map((m) => [m.id, m]));
	const path: M[] = [];
	for (let id: string | null = leafId; id !== null;) {
		const node = byId.get(id);
		if (!node) throw new Error(`message ${id} is not in this conversation`);
		if (path.length > messages.length) throw new Error(`message ${leafId} sits on a parent cycle`);
		path.push(node);
		id = node.parentId;
	}
	return path.reverse();
}

/** Every message under `id`, the node itself included, in no particular order. */
export function subtreeOf<M extends TreeNode>(messages: readonly M[], id: string): M[] {
	const inside = new Set([findNode(messages, id).id]);
	// Messages are stored in creation order, but a sync or an import may not keep it: repeat
	// until nothing new joins rather than relying on a single pass.
	for (let grew = true; grew;) {
		grew = false;
		for (const m of messages)
			if (m.parentId !== null && inside.has(m.parentId) && !inside.has(m.id)) {
				inside.add(m.id);
				grew = true;
			}
	}
	return messages.filter((m) => inside.has(m.id));
}

/**
 * The most recently created leaf under `id` (or among all messages when `id` is null):
 * where the user was last working in that branch, which is what switching to it should show.
 */
export function newestLeafUnder<M extends TreeNode>(
	messages: readonly M[],
	id: string | null
): string | null {
	const candidates = id === null ? messages : subtreeOf(messages, id);
	const parents = new Set(messages.map((m) => m.parentId));
	let newest: M | null = null;
	for (const m of candidates)
		if (!parents.has(m.id) && (newest === null || byAge(newest, m) < 0)) newest = m;
	return newest?.id ?? null;
}

export interface Siblings<M> {
	siblings: M[];
	/** Position of the node among `siblings`, 0-based; the switcher shows `index + 1`. */
	index: number;
}

export function siblingsOf<M extends TreeNode>(messages: readonly M[], id: string): Siblings<M> {
	const node = findNode(messages, id);
	const siblings = childrenOf(messages, node.parentId);
	return { siblings, index: siblings.findIndex((m) => m.id === id) };
}

/**
 * The leaf to show after moving `offset` places from `id` among its siblings (‹ is -1, › is +1):
 * the newest leaf of the sibling landed on. Moving past either end stays at that end.
 */
export function switchSibling<M extends TreeNode>(
	messages: readonly M[],
	id: string,
	offset: number
): string {
	const { siblings, index } = siblingsOf(messages, id);
	const target = siblings[Math.min(siblings.length - 1, Math.max(0, index + offset))];
	return newestLeafUnder(messages, target.id) ?? target.id;
}

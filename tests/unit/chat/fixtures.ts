import type { ChatNode, Role } from '$lib/chat/branch';

/** A message with a predictable id and a creation time that increases with each call. */
export function messageFactory() {
	let clock = 1000;
	return (id: string, parentId: string | null, role: Role, content = id): ChatNode => ({
		id,
		parentId,
		role,
		content,
		createdAt: clock++
	});
}

/**
 * u1 ─ a1 ─ u2 ─ a2
 *    ├ a1b ─ u3
 *    └ a1c
 * u1' (an edit of u1, a second root) ─ a4
 */
export function branchyConversation(): ChatNode[] {
	const m = messageFactory();
	return [
		m('u1', null, 'user'),
		m('a1', 'u1', 'assistant'),
		m('u2', 'a1', 'user'),
		m('a2', 'u2', 'assistant'),
		m('a1b', 'u1', 'assistant'),
		m('u3', 'a1b', 'user'),
		m('a1c', 'u1', 'assistant'),
		m("u1'", null, 'user'),
		m('a4', "u1'", 'assistant')
	];
}

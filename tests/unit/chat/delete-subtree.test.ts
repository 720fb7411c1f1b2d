import { describe, expect, it } from 'vitest';
import { deleteSubtree } from '$lib/chat/delete-subtree';
import { branchyConversation } from './fixtures';

describe('deleteSubtree', () => {
	it('removes the node and all its descendants', () => {
		const { messages, removedIds } = deleteSubtree(branchyConversation(), 'a1', 'a2');
		expect(removedIds.sort()).toEqual(['a1', 'a2', 'u2']);
		expect(messages.map((m) => m.id)).toEqual(['u1', 'a1b', 'u3', 'a1c', "u1'", 'a4']);
	});
	it('keeps the visible leaf when it survives', () => {
		expect(deleteSubtree(branchyConversation(), 'a1c', 'a2').leafId).toBe('a2');
	});
	it('moves to the next sibling branch when the visible leaf goes', () => {
		expect(deleteSubtree(branchyConversation(), 'a1', 'a2').leafId).toBe('u3');
	});
	it('moves to the previous sibling when the last one goes', () => {
		expect(deleteSubtree(branchyConversation(), 'a1c', 'a1c').leafId).toBe('u3');
	});
	it('falls back to the parent when there is no sibling', () => {
		expect(deleteSubtree(branchyConversation(), 'u3', 'u3').leafId).toBe('a1b');
	});
	it('leaves nothing to show after deleting the only root', () => {
		const single = branchyConversation().filter((m) => m.id !== "u1'" && m.id !== 'a4');
		const { messages, leafId } = deleteSubtree(single, 'u1', 'a2');
		expect(messages).toEqual([]);
		expect(leafId).toBeNull();
	});
});

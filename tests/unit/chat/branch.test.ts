import { describe, expect, it } from 'vitest';
import { addChild, continuationOf, editUserMessage, regenerate } from '$lib/chat/branch';
import { siblingsOf } from '$lib/chat/tree';
import { branchyConversation, messageFactory } from './fixtures';

describe('addChild', () => {
	it('appends without mutating the input', () => {
		const before = branchyConversation();
		const m = messageFactory();
		const { messages, node } = addChild(before, m('u9', 'a2', 'user'));
		expect(messages).toHaveLength(before.length + 1);
		expect(before).toHaveLength(branchyConversation().length);
		expect(messages.at(-1)).toBe(node);
	});
	it('starts a conversation with a user message', () => {
		const m = messageFactory();
		expect(addChild([], m('u', null, 'user')).messages).toHaveLength(1);
		expect(() => addChild([], m('a', null, 'assistant'))).toThrow(
			'a assistant message cannot follow nothing; expected user'
		);
	});
	it('refuses two user messages in a row', () => {
		const m = messageFactory();
		expect(() => addChild(branchyConversation(), m('x', 'u2', 'user'))).toThrow(
			'a user message cannot follow a user message; expected assistant'
		);
	});
	it('refuses an unknown parent and a duplicate id', () => {
		const m = messageFactory();
		expect(() => addChild(branchyConversation(), m('x', 'nope', 'user'))).toThrow(
			'message nope is not in this conversation'
		);
		expect(() => addChild(branchyConversation(), m('a2', 'u2', 'assistant'))).toThrow(
			'message a2 already exists'
		);
	});
});

describe('regenerate', () => {
	it('adds a sibling reply under the same prompt', () => {
		const { messages, node } = regenerate(branchyConversation(), 'a2', {
			id: 'a2b',
			role: 'assistant',
			content: '',
			createdAt: 5000
		});
		expect(node.parentId).toBe('u2');
		const { siblings, index } = siblingsOf(messages, 'a2b');
		expect(siblings.map((s) => s.id)).toEqual(['a2', 'a2b']);
		expect(index).toBe(1);
	});
	it('only regenerates replies', () => {
		expect(() =>
			regenerate(branchyConversation(), 'u2', {
				id: 'x',
				role: 'assistant',
				content: '',
				createdAt: 5000
			})
		).toThrow('message u2 is not a reply');
	});
});

describe('editUserMessage', () => {
	it('adds the edit as a sibling, keeping the original branch', () => {
		const before = branchyConversation();
		const { messages, node } = editUserMessage(before, 'u2', {
			id: 'u2b',
			role: 'user',
			content: 'better question',
			createdAt: 5000
		});
		expect(node.parentId).toBe('a1');
		expect(messages.find((m) => m.id === 'a2')?.parentId).toBe('u2');
		expect(siblingsOf(messages, 'u2b').siblings.map((s) => s.id)).toEqual(['u2', 'u2b']);
	});
	it('edits the first message into a new root', () => {
		const { node } = editUserMessage(branchyConversation(), 'u1', {
			id: 'root2',
			role: 'user',
			content: 'hi',
			createdAt: 5000
		});
		expect(node.parentId).toBeNull();
	});
	it('refuses an empty edit and editing a reply', () => {
		const edit = { id: 'x', role: 'user' as const, content: '  ', createdAt: 5000 };
		expect(() => editUserMessage(branchyConversation(), 'u2', edit)).toThrow('cannot be empty');
		expect(() => editUserMessage(branchyConversation(), 'a2', { ...edit, content: 'x' })).toThrow(
			'message a2 is not a user message'
		);
	});
});

describe('continuationOf', () => {
	it('returns the thread ending in the cut-off reply', () => {
		const messages = branchyConversation().map((m) =>
			m.id === 'a2' ? { ...m, finishReason: 'length' as const } : m
		);
		expect(continuationOf(messages, 'a2').map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
	});
	it('refuses a reply that ended its turn', () => {
		const messages = branchyConversation().map((m) =>
			m.id === 'a2' ? { ...m, finishReason: 'stop' as const } : m
		);
		expect(() => continuationOf(messages, 'a2')).toThrow('nothing to continue');
	});
});

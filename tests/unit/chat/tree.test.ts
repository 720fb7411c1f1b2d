import { describe, expect, it } from 'vitest';
import {
	childrenOf,
	newestLeafUnder,
	pathTo,
	siblingsOf,
	subtreeOf,
	switchSibling
} from '$lib/chat/tree';
import { branchyConversation, messageFactory } from './fixtures';

const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id);

describe('pathTo', () => {
	it('walks from the root to the leaf', () => {
		expect(ids(pathTo(branchyConversation(), 'a2'))).toEqual(['u1', 'a1', 'u2', 'a2']);
	});
	it('is empty for a conversation without a leaf', () => {
		expect(pathTo(branchyConversation(), null)).toEqual([]);
	});
	it('names the missing message when a parent is gone', () => {
		const broken = branchyConversation().filter((m) => m.id !== 'a1');
		expect(() => pathTo(broken, 'a2')).toThrow('message a1 is not in this conversation');
	});
	it('refuses a parent cycle instead of looping', () => {
		const m = messageFactory();
		const cyclic = [m('x', 'y', 'user'), m('y', 'x', 'assistant')];
		expect(() => pathTo(cyclic, 'x')).toThrow(/cycle/);
	});
});

describe('childrenOf', () => {
	it('lists children oldest first, and roots for null', () => {
		const messages = branchyConversation().reverse();
		expect(ids(childrenOf(messages, 'u1'))).toEqual(['a1', 'a1b', 'a1c']);
		expect(ids(childrenOf(messages, null))).toEqual(['u1', "u1'"]);
	});
});

describe('subtreeOf', () => {
	it('collects descendants even when stored out of order', () => {
		const shuffled = branchyConversation().reverse();
		expect(ids(subtreeOf(shuffled, 'a1')).sort()).toEqual(['a1', 'a2', 'u2']);
	});
});

describe('newestLeafUnder', () => {
	it('picks the most recently created leaf of the branch, not the first child', () => {
		const m = messageFactory();
		const messages = [
			m('u', null, 'user'),
			m('a-old', 'u', 'assistant'),
			m('a-new', 'u', 'assistant'),
			m('u-late', 'a-old', 'user')
		];
		expect(newestLeafUnder(messages, 'u')).toBe('u-late');
	});
	it('is the node itself when it has no children', () => {
		expect(newestLeafUnder(branchyConversation(), 'a1c')).toBe('a1c');
	});
	it('is null for an empty conversation', () => {
		expect(newestLeafUnder([], null)).toBeNull();
	});
});

describe('siblingsOf', () => {
	it('gives the siblings and the position among them', () => {
		const { siblings, index } = siblingsOf(branchyConversation(), 'a1b');
		expect(ids(siblings)).toEqual(['a1', 'a1b', 'a1c']);
		expect(index).toBe(1);
	});
	it('treats edited first messages as sibling roots', () => {
		const { siblings, index } = siblingsOf(branchyConversation(), "u1'");
		expect(ids(siblings)).toEqual(['u1', "u1'"]);
		expect(index).toBe(1);
	});
});

describe('switchSibling', () => {
	it('moves to the next sibling and descends to its newest leaf', () => {
		expect(switchSibling(branchyConversation(), 'a1', +1)).toBe('u3');
		expect(switchSibling(branchyConversation(), 'a1b', -1)).toBe('a2');
	});
	it('stays at either end', () => {
		expect(switchSibling(branchyConversation(), 'a1c', +1)).toBe('a1c');
		expect(switchSibling(branchyConversation(), 'a1', -1)).toBe('a2');
	});
	it('switches between edited roots', () => {
		expect(switchSibling(branchyConversation(), 'u1', +1)).toBe('a4');
	});
});

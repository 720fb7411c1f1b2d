// Growing the tree: a new turn, a regenerated reply, an edited prompt, a continued reply.
// Each returns a new array (the input is never mutated) and refuses a placement that would
// break the alternation user → assistant → user, because the chat template and the
// contribution export both assume it.
import type { FinishReason as EngineFinishReason } from '$lib/protocol/inference';
import { findNode, pathTo, type TreeNode } from './tree';

export type Role = 'user' | 'assistant';
/** Why a reply ended: end of turn, max tokens, the Stop button (as the engine says), or a failure. */
export type FinishReason = EngineFinishReason | 'error';

export interface ChatNode extends TreeNode {
	role: Role;
	content: string;
	finishReason?: FinishReason;
}

export interface Added<M> {
	messages: M[];
	node: M;
}

function expectedRole(parent: ChatNode | null): Role {
	return parent?.role === 'user' ? 'assistant' : 'user';
}

export function addChild<M extends ChatNode>(messages: readonly M[], node: M): Added<M> {
	if (messages.some((m) => m.id === node.id)) throw new Error(`message ${node.id} already exists`);
	const parent = node.parentId === null ? null : findNode(messages, node.parentId);
	const role = expectedRole(parent);
	if (node.role !== role)
		throw new Error(
			`a ${node.role} message cannot follow ${parent ? `a ${parent.role} message` : 'nothing'}; expected ${role}`
		);
	return { messages: [...messages, node], node };
}

/** A new reply to the same prompt as `assistantId`: a sibling the switcher can move to. */
export function regenerate<M extends ChatNode>(
	messages: readonly M[],
	assistantId: string,
	reply: Omit<M, 'parentId'>
): Added<M> {
	const old = findNode(messages, assistantId);
	if (old.role !== 'assistant') throw new Error(`message ${assistantId} is not a reply`);
	return addChild(messages, { ...reply, parentId: old.parentId } as M);
}

/** An edited copy of a user message, as its sibling: the original branch stays reachable. */
export function editUserMessage<M extends ChatNode>(
	messages: readonly M[],
	userId: string,
	edited: Omit<M, 'parentId'>
): Added<M> {
	const old = findNode(messages, userId);
	if (old.role !== 'user') throw new Error(`message ${userId} is not a user message`);
	if (!edited.content.trim()) throw new Error('an edited message cannot be empty');
	return addChild(messages, { ...edited, parentId: old.parentId } as M);
}

/**
 * The thread to send when continuing `assistantId`: the path ending in the partial reply,
 * which the engine extends without closing the turn. Only replies that were cut off
 * (max tokens or Stop) can be continued; a finished one already ended its turn.
 */
export function continuationOf<M extends ChatNode>(
	messages: readonly M[],
	assistantId: string
): M[] {
	const reply = findNode(messages, assistantId);
	if (reply.role !== 'assistant') throw new Error(`message ${assistantId} is not a reply`);
	if (reply.finishReason !== 'length' && reply.finishReason !== 'interrupted')
		throw new Error(`reply ${assistantId} was not cut off, so there is nothing to continue`);
	return pathTo(messages, assistantId);
}

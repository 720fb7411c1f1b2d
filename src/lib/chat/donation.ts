// What "Share to improve Hearth" sends: the chat as the server's `donate_chat` takes it. The
// person picks the visible thread or the whole tree under its first message (with every
// regenerated reply and edited branch); either way only finished, non-empty messages go, parents
// before replies, and the conversation's system prompt and settings stay on the device. A
// reply's thumb goes only when the person chose to share thumbs; among regenerated replies the
// one the visible thread goes on with is marked kept, a preference over its siblings. A reply that
// called tools goes with its calls and their results, so it teaches the calls as well as the
// answer; one whose calls did not all succeed teaches neither and stays, like a failed reply. Pure.
import type { StoredMessage } from '$lib/db/records/message';
import { versionedModelName, type DonatedMessage } from '$lib/protocol/donations';
import {
	MAX_REPLY_TOOL_ROUNDS,
	replyToolStepsSchema,
	type ReplyToolStep,
	type ToolStep
} from '$lib/protocol/tools';
import { zodProblems } from '$lib/shared/zod-issues';
import { pathTo } from './tree';

/**
 * A chat reply's tool rounds as a dataset takes them (`ReplyToolStep`: no timing, status or
 * sources), or why they cannot teach: a call failed (a tool that does not exist, arguments its
 * tool refused, a tool that threw or timed out), the model wrote more calls in a round than were
 * run (a dataset would teach it calls it did not write), or the rounds exceed a shared reply's
 * limits.
 */
function replyToolSteps(
	steps: readonly ToolStep[]
): { steps: ReplyToolStep[] } | { problem: string } {
	if (steps.some((step) => step.calls.some((call) => call.status !== 'ok'))) {
		return { problem: 'one of its tool calls failed' };
	}
	if (steps.some((step) => step.notRun !== undefined)) {
		return { problem: 'it wrote more tool calls in a round than were run' };
	}
	if (steps.length > MAX_REPLY_TOOL_ROUNDS) {
		return {
			problem: `it used ${steps.length} rounds of tools, and a shared reply holds at most ${MAX_REPLY_TOOL_ROUNDS}`
		};
	}
	const parsed = replyToolStepsSchema.safeParse(
		steps.map((step) => ({
			text: step.text,
			calls: step.calls.map(({ name, arguments: args, result }) => ({
				name,
				arguments: args,
				result
			}))
		}))
	);
	return parsed.success
		? { steps: parsed.data }
		: {
				problem: `its tool use does not fit a shared reply (${zodProblems(parsed.error, 'rounds')[0]})`
			};
}

export type DonationScope = 'thread' | 'tree';

export interface DonationChoice {
	scope: DonationScope;
	includeVotes: boolean;
	/** Texts the person changed in the preview (to take personal data out), by message id. */
	edits: Readonly<Record<string, string>>;
}

/**
 * Why a message cannot be shared (nor what hangs below it): a reply that failed or whose tool use
 * cannot teach, or a message with no text. Null when it can.
 */
function unshareable(m: StoredMessage): string | null {
	if (m.finishReason === 'error') return 'it ended in an error';
	if (m.content.trim() === '') return 'it has no text';
	const tools = m.steps?.length ? replyToolSteps(m.steps) : null;
	return tools && 'problem' in tools ? tools.problem : null;
}

const shareable = (m: StoredMessage) => unshareable(m) === null;

/** A shared reply's tool rounds, as `donate_chat` takes them (only shareable replies come here). */
function toolStepsOf(m: StoredMessage): Pick<DonatedMessage, 'toolSteps'> {
	const tools = m.role === 'assistant' && m.steps?.length ? replyToolSteps(m.steps) : null;
	return tools && 'steps' in tools ? { toolSteps: tools.steps } : {};
}

/**
 * What of the visible thread stays on the device, and why, in words for the person; null when
 * the whole thread can go.
 */
export function threadCut(
	messages: readonly StoredMessage[],
	leafId: string | null
): string | null {
	if (leafId === null) return null;
	for (const m of pathTo(messages, leafId)) {
		const problem = unshareable(m);
		if (problem !== null) {
			const what = m.role === 'assistant' ? 'A reply' : 'A message';
			return `${what} and everything after it stay on this device: ${problem}.`;
		}
	}
	return null;
}

/** The thread's root and every message below it that can be shared, parents first. */
function treeUnder(messages: readonly StoredMessage[], rootId: string): StoredMessage[] {
	const out: StoredMessage[] = [];
	let level = messages.filter((m) => m.id === rootId && shareable(m));
	while (level.length > 0) {
		out.push(...level);
		const parents = new Set(level.map((m) => m.id));
		level = messages
			.filter((m) => m.parentId !== null && parents.has(m.parentId) && shareable(m))
			.sort((a, b) => a.createdAt - b.createdAt);
	}
	return out;
}

/** The visible thread up to its first message that cannot be shared. */
function threadTo(messages: readonly StoredMessage[], leafId: string): StoredMessage[] {
	const path = pathTo(messages, leafId);
	const broken = path.findIndex((m) => !shareable(m));
	return broken === -1 ? path : path.slice(0, broken);
}

/** The messages a donation holds, as `donate_chat` takes them. */
export function donatedMessages(
	messages: readonly StoredMessage[],
	leafId: string | null,
	choice: DonationChoice
): DonatedMessage[] {
	if (leafId === null) return [];
	const thread = threadTo(messages, leafId);
	if (thread.length === 0) return [];
	const chosen = choice.scope === 'thread' ? thread : treeUnder(messages, thread[0].id);
	// A reply on the visible thread with siblings beside it is the one the person went on with.
	const onThread = new Set(thread.map((m) => m.id));
	const siblings = (m: StoredMessage) =>
		chosen.filter((o) => o.parentId === m.parentId && o.role === m.role).length;
	return chosen.map((m) => ({
		ref: m.id,
		parentRef: m.parentId,
		role: m.role === 'user' ? 'prompter' : 'assistant',
		text: choice.edits[m.id] ?? m.content,
		modelName:
			m.role === 'assistant' ? versionedModelName(m.model ?? 'unknown', m.modelVersion) : null,
		vote: m.role === 'assistant' && choice.includeVotes ? (m.feedback ?? null) : null,
		kept: m.role === 'assistant' && onThread.has(m.id) && siblings(m) > 1,
		...toolStepsOf(m)
	}));
}

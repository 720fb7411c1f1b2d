import { describe, expect, it } from 'vitest';
import { donatedMessages, threadCut } from '$lib/chat/donation';
import type { StoredMessage } from '$lib/db/records/message';
import { donateChatSchema } from '$lib/protocol/donations';
import type { ToolStep } from '$lib/protocol/tools';
import { branchyConversation } from './fixtures';

/** The branchy conversation as stored: replies by hearth-demo v2, a thumb on two of them. */
function stored(): StoredMessage[] {
	return branchyConversation().map((m) => ({
		...m,
		conversationId: 'c1',
		model: m.role === 'assistant' ? 'hearth-demo' : null,
		modelVersion: m.role === 'assistant' ? 2 : null,
		stats: null,
		finishReason: m.role === 'assistant' ? ('stop' as const) : undefined,
		feedback: m.id === 'a1' ? 'up' : m.id === 'a1c' ? 'down' : null
	}));
}

const refs = (messages: { ref: string }[]) => messages.map((m) => m.ref);
const donation = (messages: unknown[]) => ({
	donationId: 'd1',
	lang: 'en',
	licence: 'CC-BY-4.0',
	messages
});
/** Whether `donate_chat` takes the messages: one root, parents first, roles alternating. */
const serverTakes = (messages: unknown[]) => donateChatSchema.safeParse(donation(messages)).success;
const choice = { scope: 'thread' as const, includeVotes: false, edits: {} };

describe('donatedMessages', () => {
	it('sends the visible thread as prompter and assistant messages naming model and version', () => {
		const sent = donatedMessages(stored(), 'a2', choice);
		expect(refs(sent)).toEqual(['u1', 'a1', 'u2', 'a2']);
		expect(sent[1]).toEqual({
			ref: 'a1',
			parentRef: 'u1',
			role: 'assistant',
			text: 'a1',
			modelName: 'hearth-demo@2',
			vote: null,
			kept: false
		});
		expect(sent[0]).toMatchObject({ role: 'prompter', modelName: null, vote: null });
		expect(serverTakes(sent)).toBe(true);
	});

	it('sends the whole tree under the thread’s first message, parents first, not the other root', () => {
		const sent = donatedMessages(stored(), 'a2', { ...choice, scope: 'tree' });
		expect(refs(sent)).toEqual(['u1', 'a1', 'a1b', 'a1c', 'u2', 'u3', 'a2']);
		// The reply the thread went on with, among its regenerated siblings, is the one kept.
		expect(sent.filter((m) => m.kept).map((m) => m.ref)).toEqual(['a1']);
		const index = new Map(sent.map((m, i) => [m.ref, i]));
		for (const m of sent)
			if (m.parentRef) expect(index.get(m.parentRef)).toBeLessThan(index.get(m.ref)!);
	});

	it('adds thumbs only when asked, and the person’s edits replace the texts', () => {
		const sent = donatedMessages(stored(), 'a2', {
			scope: 'tree',
			includeVotes: true,
			edits: { u1: 'edited prompt' }
		});
		expect(sent.map((m) => m.vote)).toEqual([null, 'up', null, 'down', null, null, null]);
		expect(sent[0].text).toBe('edited prompt');
	});

	it('leaves out failed or empty replies and everything below them', () => {
		const messages = stored().map((m) =>
			m.id === 'a1' ? { ...m, finishReason: 'error' as const, content: '' } : m
		);
		expect(refs(donatedMessages(messages, 'a2', choice))).toEqual(['u1']);
		expect(refs(donatedMessages(messages, 'a2', { ...choice, scope: 'tree' }))).toEqual([
			'u1',
			'a1b',
			'a1c',
			'u3'
		]);
		expect(donatedMessages(messages, null, choice)).toEqual([]);
	});

	/** One round with one call, as the chat records it. */
	const round = (call: Partial<ToolStep['calls'][number]>): ToolStep => ({
		text: '',
		calls: [{ name: 'calculator', arguments: {}, result: '', status: 'ok', ms: 3, ...call }]
	});
	const product = {
		...round({ arguments: { expression: '347 * 829' }, result: '287663' }),
		text: 'Let me calculate.'
	};

	it('sends a reply that called tools with its calls and results, nothing of timing or status', () => {
		const messages = stored().map((m) => (m.id === 'a1' ? { ...m, steps: [product] } : m));
		const sent = donatedMessages(messages, 'a2', choice);
		expect(sent[1].toolSteps).toEqual([
			{
				text: 'Let me calculate.',
				calls: [{ name: 'calculator', arguments: { expression: '347 * 829' }, result: '287663' }]
			}
		]);
		expect(sent.filter((m) => m.toolSteps)).toHaveLength(1);
		expect(serverTakes(sent)).toBe(true);
	});

	it('leaves out a reply whose tool calls did not all succeed or run, and everything below it', () => {
		const unknown = round({ name: 'shell', arguments: { command: 'ls' }, status: 'error' });
		const failedArguments = round({ arguments: '{"expression": ', status: 'error' });
		const callsNotRun = { ...round({ result: '4' }), notRun: 2 };
		for (const step of [unknown, failedArguments, callsNotRun]) {
			const messages = stored().map((m) => (m.id === 'a1' ? { ...m, steps: [product, step] } : m));
			expect(refs(donatedMessages(messages, 'a2', choice))).toEqual(['u1']);
		}
	});

	it('says what of the thread stays on the device, and why; nothing when all of it goes', () => {
		const withA1 = (change: Partial<StoredMessage>) =>
			stored().map((m) => (m.id === 'a1' ? { ...m, ...change } : m));
		expect(threadCut(stored(), 'a2')).toBeNull();
		expect(threadCut(stored(), null)).toBeNull();
		const cut = (change: Partial<StoredMessage>) => threadCut(withA1(change), 'a2');
		expect(cut({ finishReason: 'error' })).toBe(
			'A reply and everything after it stay on this device: it ended in an error.'
		);
		expect(cut({ content: ' ' })).toBe(
			'A reply and everything after it stay on this device: it has no text.'
		);
		expect(cut({ steps: [product, round({ status: 'error' })] })).toMatch(
			/: one of its tool calls failed\.$/
		);
		expect(cut({ steps: [{ ...product, notRun: 2 }] })).toMatch(
			/: it wrote more tool calls in a round than were run\.$/
		);
		expect(cut({ steps: Array(6).fill(product) })).toMatch(
			/: it used 6 rounds of tools, and a shared reply holds at most 4\.$/
		);
		expect(cut({ steps: [round({ result: 'x'.repeat(5000) })] })).toMatch(
			/: its tool use does not fit a shared reply \(rounds\[0\]\.calls\[0\]\.result: must be at most 4000 characters\)\.$/
		);
		// The thread is cut where the reason is, and sends what comes before it.
		expect(refs(donatedMessages(withA1({ steps: Array(6).fill(product) }), 'a2', choice))).toEqual([
			'u1'
		]);
	});

	it('is refused by the protocol when the person’s own message carries tool calls', () => {
		const sent = donatedMessages(stored(), 'a2', choice);
		const toolSteps = [{ text: '', calls: [{ name: 'weekday', arguments: {}, result: 'x' }] }];
		const parsed = donateChatSchema.safeParse(
			donation(sent.map((m, i) => (i === 0 ? { ...m, toolSteps } : m)))
		);
		expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([
			'only an assistant reply calls tools'
		]);
	});
});

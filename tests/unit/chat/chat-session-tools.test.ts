// Replies that call tools: the session runs the loop with the real tools and a scripted model
// that writes tool calls as Qwen/Hermes-style models do.
// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatSession } from '$lib/chat/chat-session.svelte';
import { calculator } from '$lib/shared/tools/calculator';
import { daysBetween } from '$lib/shared/tools/dates';
import { defineTool, type Tool } from '$lib/shared/tools/tool';
import type { ChatTools } from '$lib/tools/chat-tools';
import { defaultToolSettings, type ToolSettings } from '$lib/tools/tool-settings';
import { openTestStorage } from '../db/open-test-storage';
import { ScriptedEngine } from './scripted-engine';

const lookup = defineTool({
	name: 'encyclopedia',
	title: 'Encyclopedia',
	description: 'Looks things up.',
	arguments: z.object({ query: z.string() }),
	network: true,
	run: async ({ query }) => ({ text: `[1] ${query}: an article.` })
});

function setup(
	settings: Partial<ToolSettings> = {},
	tools: Tool[] = [calculator, daysBetween, lookup]
) {
	const { storage } = openTestStorage();
	const engine = new ScriptedEngine();
	engine.toolUseMode = 'template';
	const chatTools: ChatTools = {
		settings: async () => ({ ...defaultToolSettings, allowNetwork: true, ...settings }),
		load: async () => tools
	};
	const session = new ChatSession(storage, engine, Date.now, chatTools);
	return { storage, engine, session };
}

const call = (name: string, args: object) =>
	`<tool_call>{"name": "${name}", "arguments": ${JSON.stringify(args)}}</tool_call>`;

async function until(condition: () => boolean): Promise<void> {
	for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
	expect(condition()).toBe(true);
}

describe('ChatSession with tools', () => {
	it('runs the call, hands the result back as a tool turn and keeps the step with the answer', async () => {
		const { engine, session, storage } = setup();
		engine.replies = [call('calculator', { expression: '347 * 829' }), '347 * 829 = 287663.'];
		await session.send('What is 347 * 829?');

		const reply = session.thread[1];
		expect(reply.content).toBe('347 * 829 = 287663.');
		expect(reply.finishReason).toBe('stop');
		expect(reply.steps).toEqual([
			{
				text: '',
				calls: [
					expect.objectContaining({
						name: 'calculator',
						arguments: { expression: '347 * 829' },
						result: '287663',
						status: 'ok'
					})
				]
			}
		]);
		// Both rounds saw the tools; the second the call and its result.
		expect(engine.prompts[0].params.tools?.map((t) => t.function.name)).toEqual([
			'calculator',
			'days_between',
			'encyclopedia'
		]);
		expect(engine.prompts[1].messages.slice(1)).toEqual([
			{
				role: 'assistant',
				content: '',
				tool_calls: [
					{
						type: 'function',
						function: { name: 'calculator', arguments: { expression: '347 * 829' } }
					}
				]
			},
			{ role: 'tool', content: '287663' }
		]);
		// Stored: a reload shows the step, and the next turn's prompt carries it.
		const stored = await storage.messages.inConversation(session.activeId!);
		expect(stored.find((m) => m.id === reply.id)?.steps?.[0].calls[0].result).toBe('287663');
		engine.replies = ['You are welcome.'];
		await session.send('Thanks');
		expect(engine.prompts[2].messages.map((m) => m.role)).toEqual([
			'user',
			'assistant',
			'tool',
			'assistant',
			'user'
		]);
	});

	it('offers no tools to a model that cannot use them, when switched off, or in a conversation that turned them off', async () => {
		const noModel = setup();
		noModel.engine.toolUseMode = null;
		await noModel.session.send('Hi');
		expect(noModel.engine.prompts[0].params.tools).toBeUndefined();

		const off = setup({ enabled: false });
		await off.session.send('Hi');
		expect(off.engine.prompts[0].params.tools).toBeUndefined();

		const one = setup({ off: ['days_between'], allowNetwork: false });
		await one.session.send('Hi');
		expect(one.engine.prompts[0].params.tools?.map((t) => t.function.name)).toEqual(['calculator']);
		await one.session.updateSettings(one.session.activeId, { tools: { off: true } });
		await one.session.send('Again');
		expect(one.engine.prompts[1].params.tools).toBeUndefined();
	});

	it('stops a model that keeps calling tools after the round limit, saying so', async () => {
		const { engine, session } = setup({ maxRounds: 2 });
		engine.replies = [1, 2, 3].map((n) => call('calculator', { expression: `${n} + 1` }));
		await session.send('Loop forever');
		const reply = session.thread[1];
		expect(reply.steps).toHaveLength(2);
		expect(reply.finishReason).toBe('error');
		expect(reply.error).toMatch(/still calling tools after 2 rounds/);
		expect(engine.prompts).toHaveLength(3);
	});

	it('feeds an unknown tool and bad arguments back to the model as readable errors', async () => {
		const { engine, session } = setup();
		engine.replies = [
			call('shell', { cmd: 'ls' }) + call('days_between', { from: 'yesterday', to: '2026-01-01' }),
			'I could not do that.'
		];
		await session.send('Do things');
		const results = session.thread[1].steps![0].calls.map((c) => c.result);
		expect(results[0]).toMatch(/^Error: there is no tool named "shell"/);
		expect(results[1]).toMatch(
			/^Error: wrong arguments for days_between: from: a date is written YYYY-MM-DD/
		);
		expect(session.thread[1].content).toBe('I could not do that.');
	});

	it('asks once per conversation before a network tool runs, and remembers a refusal', async () => {
		const { engine, session } = setup();
		engine.replies = [call('encyclopedia', { query: 'tides' }), 'Without looking it up: the Moon.'];
		const sending = session.send('Why are there tides?');
		await until(
			() =>
				session.activeStream?.permission !== null && session.activeStream?.permission !== undefined
		);
		await session.allowNetworkTools(session.activeId!, false);
		await sending;
		expect(session.thread[1].steps![0].calls[0].result).toBe(
			'The user did not allow encyclopedia in this conversation.'
		);
		expect(session.active?.tools?.network).toBe('refused');
		// Refused here: the encyclopedia is no longer offered in this conversation.
		engine.replies = ['Fine.'];
		await session.send('And waves?');
		expect(engine.prompts[2].params.tools?.map((t) => t.function.name)).not.toContain(
			'encyclopedia'
		);
	});

	it('runs at most four calls in a round; the model may call again in the next', async () => {
		const { engine, session } = setup();
		const six = [1, 2, 3, 4, 5, 6].map((n) => call('calculator', { expression: `${n} * 2` }));
		engine.replies = [six.join(''), 'Done.'];
		await session.send('Double everything');
		const [step] = session.thread[1].steps!;
		expect(step.calls.map((c) => c.result)).toEqual(['2', '4', '6', '8']);
		expect(step.notRun).toBe(2);
		// The model is shown the round as it ran: four calls, four results.
		const [turn, ...results] = engine.prompts[1].messages.slice(1);
		expect(turn.tool_calls).toHaveLength(4);
		expect(results.map((m) => m.content)).toEqual(['2', '4', '6', '8']);
		expect(session.thread[1].content).toBe('Done.');
	});

	it('cuts a tool result to half the model’s context window, for the model and the user alike', async () => {
		const notes = defineTool({
			name: 'search_documents',
			title: 'Search documents',
			description: 'Searches notes.',
			arguments: z.object({ query: z.string() }),
			run: async () => ({ text: `[1] Tides: ${'The moon pulls the sea. '.repeat(40)}` })
		});
		const { engine, session } = setup({}, [notes]);
		engine.contextWindow = 384;
		engine.replies = [call('search_documents', { query: 'tides' }), 'Tides.'];
		await session.send('Why are there tides?');
		const cut =
			`[1] Tides: ${'The moon pulls the sea. '.repeat(8)}`.slice(0, 192) +
			'… (cut at 192 characters)';
		expect(session.thread[1].steps![0].calls[0].result).toBe(cut);
		expect(engine.prompts[1].messages.at(-1)).toEqual({ role: 'tool', content: cut });
	});

	it('stops while asking to use a network tool: a stop, not a refusal, and nothing remembered', async () => {
		const { engine, session } = setup();
		engine.replies = [call('encyclopedia', { query: 'tides' }), 'never reached'];
		const sending = session.send('Why are there tides?');
		await until(() => Boolean(session.activeStream?.permission));
		session.stop();
		await sending;
		const reply = session.thread[1];
		expect(reply.finishReason).toBe('interrupted');
		expect(reply.steps![0].calls[0].result).toBe('Error: the reply was stopped');
		expect(session.active?.tools?.network).toBeUndefined();
		expect(engine.prompts).toHaveLength(1);
	});

	it('stops during a tool call: the reply ends as stopped and the call as stopped', async () => {
		const never = defineTool({
			name: 'slow',
			title: 'Slow',
			description: 'Slow.',
			arguments: z.object({}),
			run: (_args, { signal }) =>
				new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
		});
		const { engine, session } = setup({}, [never]);
		engine.replies = [call('slow', {}), 'never reached'];
		const sending = session.send('Go');
		await until(() => session.activeStream?.phase === 'tool');
		session.stop();
		await sending;
		const reply = session.thread[1];
		expect(reply.finishReason).toBe('interrupted');
		expect(reply.steps![0].calls[0].result).toBe('Error: slow failed: the reply was stopped');
		expect(engine.prompts).toHaveLength(1);
	});
});

import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseToolCalls } from '$lib/shared/tool-calls';
import { calculator } from '$lib/shared/tools/calculator';
import { defineTool, type Tool } from '$lib/shared/tools/tool';
import { MAX_RESULT_CHARS, resultCharsFor, runToolCall } from '$lib/tools/run-tool-call';

const never = defineTool({
	name: 'never',
	title: 'Never',
	description: 'Never answers unless stopped.',
	arguments: z.object({}),
	run: (_args, { signal }) =>
		new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
});
const broken = defineTool({
	name: 'broken',
	title: 'Broken',
	description: 'Throws.',
	arguments: z.object({}),
	run: async () => {
		throw new Error('the disk is on fire');
	}
});
const chatty = defineTool({
	name: 'chatty',
	title: 'Chatty',
	description: 'Says too much.',
	arguments: z.object({}),
	run: async () => ({ text: 'x'.repeat(MAX_RESULT_CHARS + 50) })
});
const network = defineTool({
	name: 'lookup',
	title: 'Lookup',
	description: 'Needs the network.',
	arguments: z.object({ query: z.string() }),
	network: true,
	run: async ({ query }) => ({ text: `found ${query}` })
});

const tools = new Map<string, Tool>(
	[calculator, never, broken, chatty, network].map((tool) => [tool.name, tool])
);
const call = (text: string) => parseToolCalls(`<tool_call>${text}</tool_call>`).calls[0];
const options = (overrides = {}) => ({
	signal: new AbortController().signal,
	allow: async () => true,
	...overrides
});

describe('runToolCall', () => {
	it('runs a valid call and records its arguments, result and time', async () => {
		const record = await runToolCall(
			call('{"name": "calculator", "arguments": {"expression": "347 * 829"}}'),
			tools,
			options()
		);
		expect(record).toMatchObject({
			name: 'calculator',
			arguments: { expression: '347 * 829' },
			result: '287663',
			status: 'ok'
		});
		expect(record.ms).toBeGreaterThanOrEqual(0);
	});

	it('answers an unknown tool with the names of the real ones', async () => {
		const record = await runToolCall(
			call('{"name": "shell", "arguments": {"cmd": "rm"}}'),
			tools,
			options()
		);
		expect(record.status).toBe('error');
		expect(record.result).toBe(
			'Error: there is no tool named "shell". The tools are: calculator, never, broken, chatty, lookup.'
		);
	});

	it('names the argument that fails the schema, and does not run the tool', async () => {
		const record = await runToolCall(
			call('{"name": "calculator", "arguments": {"expression": 42}}'),
			tools,
			options()
		);
		expect(record.status).toBe('error');
		expect(record.result).toMatch(/^Error: wrong arguments for calculator: expression: /);
	});

	it('turns a call that is not JSON into a readable error, keeping what the model wrote', async () => {
		const record = await runToolCall(
			call('{"name": "calculator", "arguments": {'),
			tools,
			options()
		);
		expect(record).toMatchObject({
			status: 'error',
			arguments: '{"name": "calculator", "arguments": {',
			result: 'Error: the tool call is not valid JSON.'
		});
	});

	it('reports a tool that throws, and one that runs past its time', async () => {
		expect(
			(await runToolCall(call('{"name": "broken", "arguments": {}}'), tools, options())).result
		).toBe('Error: broken failed: the disk is on fire');
		const late = await runToolCall(
			call('{"name": "never", "arguments": {}}'),
			tools,
			options({ timeoutMs: 20 })
		);
		expect(late).toMatchObject({
			status: 'error',
			result: 'Error: never failed: it took longer than 0.02 s'
		});
	});

	it('ends a running tool when the reply is stopped', async () => {
		const stop = new AbortController();
		const running = runToolCall(
			call('{"name": "never", "arguments": {}}'),
			tools,
			options({ signal: stop.signal })
		);
		stop.abort();
		expect((await running).result).toBe('Error: never failed: the reply was stopped');
	});

	it('cuts a long result so it fits a small context', async () => {
		const record = await runToolCall(call('{"name": "chatty", "arguments": {}}'), tools, options());
		expect(record.result).toHaveLength(
			MAX_RESULT_CHARS + `… (cut at ${MAX_RESULT_CHARS} characters)`.length
		);
		const small = await runToolCall(
			call('{"name": "chatty", "arguments": {}}'),
			tools,
			options({ maxResultChars: 192 })
		);
		expect(small.result).toBe(`${'x'.repeat(192)}… (cut at 192 characters)`);
	});

	it('gives a model half its context window in characters for a result, and at most the cap', () => {
		expect(resultCharsFor(384)).toBe(192);
		expect(resultCharsFor(2048)).toBe(1024);
		expect(resultCharsFor(32_768)).toBe(MAX_RESULT_CHARS);
	});

	it('runs a network tool only when the user allows it', async () => {
		const allow = vi.fn(async () => false);
		const refused = await runToolCall(
			call('{"name": "lookup", "arguments": {"query": "tides"}}'),
			tools,
			options({ allow })
		);
		expect(refused.result).toBe('The user did not allow lookup in this conversation.');
		expect(allow).toHaveBeenCalledOnce();
		expect(
			(
				await runToolCall(
					call('{"name": "lookup", "arguments": {"query": "tides"}}'),
					tools,
					options()
				)
			).result
		).toBe('found tides');
	});
});

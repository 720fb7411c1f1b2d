// The ONNX backend's prompt, fitted into the model's window, with the demo model's real
// byte-level tokenizer and chat template (which renders tools): one token per character, so
// lengths below are easy to reason about.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '$lib/protocol/inference';
import { ChatFormat } from '$lib/shared/chat-format';
import { calculator } from '$lib/shared/tools/calculator';
import { toolSpec } from '$lib/shared/tools/tool';
import { fitPrompt } from '$workers/backends/prompt-window';

const read = (name: string) => JSON.parse(readFileSync(`training/demo-tokenizer/${name}`, 'utf8'));
const chat = new ChatFormat(read('tokenizer.json'), read('tokenizer_config.json'), ['tools']);
const text = (ids: number[]) => chat.decode(ids);
const params = { maxTokens: 64, tools: [] };

const system: ChatMessage = { role: 'system', content: 'You are Hearth.' };
const call: ChatMessage = {
	role: 'assistant',
	content: '',
	tool_calls: [
		{ type: 'function', function: { name: 'search_documents', arguments: { query: 'x' } } }
	]
};
const exchange = (n: number): ChatMessage[] => [
	{ role: 'user', content: `Question ${n}: ${'why '.repeat(10)}?` },
	{ role: 'assistant', content: `Answer ${n}: ${'because '.repeat(10)}.` }
];

describe('fitPrompt', () => {
	it('renders a conversation that fits whole, ending on the assistant header', () => {
		const messages = [system, ...exchange(1), { role: 'user', content: 'And now?' } as const];
		const ids = fitPrompt(chat, messages, params, 384);
		expect(ids).toEqual(chat.encode(chat.render(messages, true)));
		expect(text(ids)).toMatch(/And now\?<\|im_end\|>\n<\|im_start\|>assistant\n$/);
	});

	it('leaves out the oldest turns after the system message, keeping room for the reply', () => {
		const messages = [
			system,
			...[1, 2, 3, 4, 5, 6].flatMap(exchange),
			{ role: 'user', content: 'Last question?' } as const
		];
		const ids = fitPrompt(chat, messages, params, 384);
		expect(ids.length + 64).toBeLessThanOrEqual(384);
		const prompt = text(ids);
		expect(prompt.startsWith('<|im_start|>system\nYou are Hearth.')).toBe(true);
		expect(prompt).toContain('Last question?');
		expect(prompt).toContain('Answer 6');
		expect(prompt).not.toContain('Question 1');
		// Whole exchanges were left out, and just enough: the kept turns open with a question, and
		// one more exchange would not leave the reply its room.
		const kept = messages.findIndex((m) => prompt.includes(m.content.slice(0, 12)) && m !== system);
		expect(messages[kept].role).toBe('user');
		const oneMore = chat.encode(chat.render([system, ...messages.slice(kept - 2)], true));
		expect(oneMore.length + 64).toBeGreaterThan(384);
	});

	it('opens what it keeps with a question, never a reply or a tool result cut from its call', () => {
		const long: ChatMessage = { role: 'user', content: `Find x. ${'Please '.repeat(40)}` };
		const messages: ChatMessage[] = [
			system,
			long,
			call,
			{ role: 'tool', content: '[1] x: a note.' },
			{ role: 'assistant', content: 'x is a note [1].' },
			{ role: 'user', content: 'And y?' }
		];
		const prompt = text(fitPrompt(chat, messages, params, 384));
		expect(prompt).not.toContain('Please');
		expect(prompt).not.toContain('[1] x: a note.');
		expect(prompt).toBe(chat.render([system, messages[5]], true));
	});

	it('leaves the reply a quarter of the window at most, whatever its max tokens', () => {
		const messages = [system, ...[1, 2, 3, 4].flatMap(exchange), exchange(5)[0]];
		const ids = fitPrompt(chat, messages, { maxTokens: 4096, tools: [] }, 384);
		expect(ids.length + 96).toBeLessThanOrEqual(384);
		expect(ids.length + 96).toBeGreaterThan(384 - 2 * 60);
	});

	it('renders the tools for a template that reads them', () => {
		const tools = [toolSpec(calculator)];
		const ids = fitPrompt(chat, [{ role: 'user', content: '2 + 2?' }], { ...params, tools }, 384);
		expect(text(ids)).toContain('Tools: calculator');
	});

	it('continues a reply cut short from the end of its text, without an end of turn', () => {
		const messages: ChatMessage[] = [
			{ role: 'user', content: 'Count to five.' },
			{ role: 'assistant', content: 'One, two,' }
		];
		expect(text(fitPrompt(chat, messages, params, 384))).toMatch(/assistant\nOne, two,$/);
	});

	it('names the newest message when it alone is too long, and a tool result as the tool’s', () => {
		const long = 'word '.repeat(100);
		expect(() => fitPrompt(chat, [system, { role: 'user', content: long }], params, 384)).toThrow(
			/^The message is too long for this model: \d+ tokens, and it reads at most 384\. Shorten it/
		);
		expect(() =>
			fitPrompt(
				chat,
				[{ role: 'user', content: 'Find x.' }, call, { role: 'tool', content: long }],
				params,
				384
			)
		).toThrow(
			/^A tool's result is too long for this model \(\d+ tokens, and it reads at most 384\)/
		);
	});

	it('fits a tool result cut to half the window (the chat’s cut), after a long conversation', () => {
		const result = `${'passage '.repeat(30).slice(0, 192)}… (cut at 192 characters)`;
		const messages: ChatMessage[] = [
			...[1, 2, 3].flatMap(exchange),
			{ role: 'user', content: 'Find x.' },
			call,
			{ role: 'tool', content: result }
		];
		const prompt = text(fitPrompt(chat, messages, params, 384));
		// The newest exchange whole: the question, the call and its result.
		expect(prompt).toContain(`Find x.<|im_end|>`);
		expect(prompt).toContain('search_documents');
		expect(prompt).toContain(result);
		expect(prompt).not.toContain('Question 1');
	});
});

import { describe, expect, it } from 'vitest';
import { formatToolCall, parseToolCalls, toolsAsText, toolTurns } from '$lib/shared/tool-calls';

describe('parseToolCalls', () => {
	it('reads Qwen/Hermes calls after the text, with or without newlines around the JSON', () => {
		const reply =
			'Let me work it out.\n<tool_call>\n{"name": "calculator", "arguments": {"expression": "347 * 829"}}\n</tool_call>' +
			'<tool_call>{"name": "weekday", "arguments": {"date": "2026-12-25"}}</tool_call>';
		expect(parseToolCalls(reply)).toEqual({
			content: 'Let me work it out.',
			calls: [
				{ ok: true, name: 'calculator', arguments: { expression: '347 * 829' } },
				{ ok: true, name: 'weekday', arguments: { date: '2026-12-25' } }
			]
		});
	});

	it('takes every call, with the text between calls as the reply’s text', () => {
		const reply =
			'<tool_call>{"name": "calculator", "arguments": {"expression": "2*3"}}</tool_call>\n' +
			'Now the date.\n<tool_call>{"name": "weekday", "arguments": {"date": "2026-12-25"}}</tool_call>\nDone.';
		expect(parseToolCalls(reply)).toEqual({
			content: 'Now the date.\nDone.',
			calls: [
				{ ok: true, name: 'calculator', arguments: { expression: '2*3' } },
				{ ok: true, name: 'weekday', arguments: { date: '2026-12-25' } }
			]
		});
	});

	it('leaves a reply without calls as it is', () => {
		expect(parseToolCalls('Paris.')).toEqual({ content: 'Paris.', calls: [] });
	});

	it('takes a call cut off before its closing tag, and arguments written as a JSON string', () => {
		expect(
			parseToolCalls(
				'<tool_call>{"name": "calculator", "arguments": "{\\"expression\\": \\"2+2\\"}"}'
			)
		).toEqual({
			content: '',
			calls: [{ ok: true, name: 'calculator', arguments: { expression: '2+2' } }]
		});
	});

	it('names what is wrong with a call that is not the format', () => {
		const { calls } = parseToolCalls(
			'<tool_call>{"name": "calculator", "arguments": {"expression": </tool_call>' +
				'<tool_call>{"arguments": {}}</tool_call>' +
				'<tool_call>{"name": "calculator", "arguments": [1]}</tool_call>'
		);
		expect(calls.map((c) => (c.ok ? 'ok' : c.error))).toEqual([
			'the tool call is not valid JSON',
			'the tool call names no tool ("name")',
			'the tool call\'s "arguments" are not an object'
		]);
	});

	it('parses what formatToolCall writes', () => {
		const text = formatToolCall('days_between', { from: '2025-03-14', to: '2026-11-02' });
		expect(parseToolCalls(text).calls).toEqual([
			{ ok: true, name: 'days_between', arguments: { from: '2025-03-14', to: '2026-11-02' } }
		]);
	});
});

describe('toolTurns', () => {
	it('gives each round as an assistant turn with its calls, then one tool turn per result', () => {
		expect(
			toolTurns([
				{
					text: 'Checking.',
					calls: [
						{ name: 'calculator', arguments: { expression: '1+1' }, result: '2' },
						{ name: '', arguments: '{"name": ', result: 'Error: the tool call is not valid JSON.' }
					]
				}
			])
		).toEqual([
			{
				role: 'assistant',
				content: 'Checking.\n<tool_call>{"name": </tool_call>',
				tool_calls: [
					{ type: 'function', function: { name: 'calculator', arguments: { expression: '1+1' } } }
				]
			},
			{ role: 'tool', content: '2' },
			{ role: 'tool', content: 'Error: the tool call is not valid JSON.' }
		]);
	});
});

describe('toolsAsText', () => {
	it('writes the tools into the system turn and calls and results as plain turns', () => {
		const tools = [
			{
				type: 'function' as const,
				function: { name: 'calculator', description: 'Calculates.', parameters: { type: 'object' } }
			}
		];
		const messages = toolsAsText(
			[
				{ role: 'system', content: 'Be brief.' },
				{ role: 'user', content: 'What is 1+1?' },
				{
					role: 'assistant',
					content: '',
					tool_calls: [
						{ type: 'function', function: { name: 'calculator', arguments: { expression: '1+1' } } }
					]
				},
				{ role: 'tool', content: '2' }
			],
			tools
		);
		expect(messages[0].role).toBe('system');
		expect(messages[0].content).toMatch(/^Be brief\.\n\n# Tools/);
		expect(messages[0].content).toContain(JSON.stringify(tools[0]));
		expect(messages.slice(1)).toEqual([
			{ role: 'user', content: 'What is 1+1?' },
			{ role: 'assistant', content: formatToolCall('calculator', { expression: '1+1' }) },
			{ role: 'user', content: '<tool_response>\n2\n</tool_response>' }
		]);
	});
});

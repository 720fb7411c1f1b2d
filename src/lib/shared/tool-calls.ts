// Tool calls as models write them: the Hermes format Qwen2.5, Hermes and Hearth's demo model
// share, `<tool_call>{"name": …, "arguments": {…}}</tool_call>` after any text of the reply.
// The browser parses replies with it, the pipeline renders training data with the same shape
// through the chat template, and engines whose templates know no tools get it as plain text.

export const TOOL_CALL_OPEN = '<tool_call>';
export const TOOL_CALL_CLOSE = '</tool_call>';

export type ParsedToolCall =
	| { ok: true; name: string; arguments: Record<string, unknown> }
	| { ok: false; name: string; raw: string; error: string };

export interface ParsedReply {
	/** The reply's text outside its tool calls. */
	content: string;
	calls: ParsedToolCall[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Splits a reply into its text and its tool calls, wherever in the reply they are: a model may
 * write a line between two calls. A call cut off before its closing tag (the model stopped at end
 * of turn) still counts; one that is not the JSON the format asks for comes back as an error
 * naming what is wrong, so the model can be told and the user shown.
 */
export function parseToolCalls(reply: string): ParsedReply {
	const calls: ParsedToolCall[] = [];
	let content = '';
	let rest = reply;
	for (let open = rest.indexOf(TOOL_CALL_OPEN); open >= 0; open = rest.indexOf(TOOL_CALL_OPEN)) {
		content += rest.slice(0, open);
		rest = rest.slice(open + TOOL_CALL_OPEN.length);
		const end = rest.indexOf(TOOL_CALL_CLOSE);
		calls.push(parseCall(rest.slice(0, end < 0 ? undefined : end).trim()));
		rest = end < 0 ? '' : rest.slice(end + TOOL_CALL_CLOSE.length).trimStart();
	}
	return { content: (content + rest).trim(), calls };
}

function parseCall(raw: string): ParsedToolCall {
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return { ok: false, name: '', raw, error: 'the tool call is not valid JSON' };
	}
	if (!isObject(value) || typeof value.name !== 'string' || !value.name) {
		return { ok: false, name: '', raw, error: 'the tool call names no tool ("name")' };
	}
	const args = value.arguments ?? value.parameters ?? {};
	// Some models write the arguments as a JSON string, as OpenAI's API carries them.
	const parsed = typeof args === 'string' ? tryJson(args) : args;
	if (!isObject(parsed)) {
		return {
			ok: false,
			name: value.name,
			raw,
			error: 'the tool call\'s "arguments" are not an object'
		};
	}
	return { ok: true, name: value.name, arguments: parsed };
}

function tryJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** A call as the Hermes format writes it (the shape `tojson` gives in Qwen2.5's template). */
export function formatToolCall(name: string, args: Record<string, unknown>): string {
	return `${TOOL_CALL_OPEN}\n${JSON.stringify({ name, arguments: args })}\n${TOOL_CALL_CLOSE}`;
}

interface PromptMessage {
	role: string;
	content: string;
	tool_calls?: { type: 'function'; function: { name: string; arguments: object } }[];
}

interface PromptTool {
	type: 'function';
	function: { name: string; description: string; parameters: object };
}

/**
 * The tools and a conversation's calls written into plain messages, for an engine whose chat
 * template knows no tools (web-llm's): the system turn lists the tools' signatures as Qwen2.5's
 * and Hermes' templates do, calls become the assistant's text and results a user turn in
 * `<tool_response>`, the format those models were trained on.
 */
export function toolsAsText(messages: PromptMessage[], tools: PromptTool[]): PromptMessage[] {
	const system = messages[0]?.role === 'system' ? messages[0].content + '\n\n' : '';
	const preamble =
		`${system}# Tools\n\nYou may call one or more functions to assist with the user query.\n\n` +
		'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
		tools.map((tool) => JSON.stringify(tool)).join('\n') +
		'\n</tools>\n\nFor each function call, return a json object with function name and arguments ' +
		`within ${TOOL_CALL_OPEN}${TOOL_CALL_CLOSE} XML tags:\n${formatToolCall('<function-name>', { '<args-name>': '<args-value>' })}`;
	const rest = messages.slice(system ? 1 : 0).map((message): PromptMessage => {
		if (message.role === 'tool') {
			return { role: 'user', content: `<tool_response>\n${message.content}\n</tool_response>` };
		}
		if (!message.tool_calls?.length) return { role: message.role, content: message.content };
		const calls = message.tool_calls.map((call) =>
			formatToolCall(call.function.name, call.function.arguments as Record<string, unknown>)
		);
		return { role: message.role, content: [message.content, ...calls].filter(Boolean).join('\n') };
	});
	return [{ role: 'system', content: preamble }, ...rest];
}

/** One round of a tool-using reply, as chats store it and oasst trees carry it (`tool_steps`). */
export interface StepLike {
	text: string;
	calls: { name: string; arguments: Record<string, unknown> | string; result: string }[];
}

/**
 * A reply's tool rounds as the messages a chat template takes: per round, the assistant's text
 * with its calls, then one `tool` message per call with its result. The reply's final text
 * follows as an ordinary assistant message. A call whose arguments did not parse goes back as
 * the model wrote it, inside the text, so the model sees its own mistake beside the error.
 */
export interface ToolTurn {
	role: 'assistant' | 'tool';
	content: string;
	tool_calls?: {
		type: 'function';
		function: { name: string; arguments: Record<string, unknown> };
	}[];
}

export function toolTurns(steps: StepLike[]): ToolTurn[] {
	return steps.flatMap((step): ToolTurn[] => {
		const parsed = step.calls.filter((call) => typeof call.arguments !== 'string');
		const raw = step.calls
			.filter((call) => typeof call.arguments === 'string')
			.map((call) => `${TOOL_CALL_OPEN}${call.arguments as string}${TOOL_CALL_CLOSE}`);
		const assistant: ToolTurn = {
			role: 'assistant',
			content: [step.text, ...raw].filter(Boolean).join('\n'),
			...(parsed.length
				? {
						tool_calls: parsed.map((call) => ({
							type: 'function' as const,
							function: {
								name: call.name,
								arguments: call.arguments as Record<string, unknown>
							}
						}))
					}
				: {})
		};
		return [
			assistant,
			...step.calls.map((call): ToolTurn => ({ role: 'tool', content: call.result }))
		];
	});
}

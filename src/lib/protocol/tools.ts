// Tools a model may call, in the shape chat templates and OpenAI-style engines take them
// (`{type: 'function', function: {name, description, parameters}}`, parameters a JSON Schema),
// and what a reply records of each call it made.
import { z } from 'zod';

const toolName = z
	.string()
	.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a tool name is letters, digits and _ (at most 64)');

export const toolSpec = z.object({
	type: z.literal('function'),
	function: z.object({
		name: toolName,
		description: z.string().max(2000),
		/** A JSON Schema object for the arguments. */
		parameters: z.record(z.string(), z.unknown())
	})
});
export type ToolSpec = z.infer<typeof toolSpec>;

/** A call as an assistant message carries it back to the template on the next turn. */
export const toolCallMessage = z.object({
	type: z.literal('function'),
	function: z.object({ name: toolName, arguments: z.record(z.string(), z.unknown()) })
});
export type ToolCallMessage = z.infer<typeof toolCallMessage>;

/** One tool call a reply made, as the chat stores and shows it. */
export interface ToolCallRecord {
	/** The name the model wrote (possibly no tool's). */
	name: string;
	/** The arguments as the model wrote them: an object when they parsed, else the raw text. */
	arguments: Record<string, unknown> | string;
	/** What went back to the model: the tool's result, or why there was none. */
	result: string;
	status: 'ok' | 'error';
	/** Passages the result quoted, so the answer's [n] marks can link them. */
	sources?: { id: string; title: string; text: string }[];
	ms: number;
}

/** One round of a tool-using reply: what the model wrote before its calls, and the calls. */
export interface ToolStep {
	text: string;
	calls: ToolCallRecord[];
}

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
	/** How many calls the model wrote past the round's limit (MAX_CALLS_PER_ROUND), not run. */
	notRun?: number;
}

/**
 * Every tool's name, as `toolDeclarations` (src/lib/shared/tools/declarations.ts) lists them; a test
 * holds the two lists equal. Spelled out here so that each name is a type (`z.enum`), and so
 * that the protocol, loaded by every page, carries no tool's argument checks.
 */
export const knownToolNames = [
	'calculator',
	'days_between',
	'weekday',
	'add_days',
	'search_documents',
	'encyclopedia'
] as const;

export const MAX_REPLY_TOOL_ROUNDS = 4;
export const MAX_CALLS_PER_ROUND = 4;
/** Above the chat's own cut (run-tool-call.ts), so a real result always fits. */
export const MAX_TOOL_RESULT_CHARS = 4000;
export const MAX_TOOL_STEP_TEXT_CHARS = 2000;
export const MAX_TOOL_ARGUMENTS_CHARS = 2000;

/** The length of `value` as JSON, or Infinity when it cannot be written (too deep). */
function jsonLength(value: unknown): number {
	try {
		return JSON.stringify(value).length;
	} catch {
		return Number.POSITIVE_INFINITY;
	}
}

/**
 * A call in a written reply's tool rounds: only what a dataset needs (which tool, with what, what
 * came back); how long it took or whether the model's call parsed is the chat's business.
 */
export const replyToolCallSchema = z.object({
	name: z.enum(knownToolNames, { error: `must be one of ${knownToolNames.join(', ')}` }),
	arguments: z
		.record(z.string(), z.unknown(), { error: 'must be an object' })
		.refine(
			(args) => jsonLength(args) <= MAX_TOOL_ARGUMENTS_CHARS,
			`must be at most ${MAX_TOOL_ARGUMENTS_CHARS} characters as JSON`
		),
	result: z
		.string()
		.max(MAX_TOOL_RESULT_CHARS, `must be at most ${MAX_TOOL_RESULT_CHARS} characters`)
});

/**
 * One round of a written assistant reply that used tools: what it said before its calls, and the
 * calls with their results. The sync protocol's `toolSteps` and the oasst export's `tool_steps`
 * (where the pipeline reads it) carry rounds in exactly this shape; the reply's text is the final
 * answer after the last round.
 */
export const replyToolStepSchema = z.object({
	text: z
		.string()
		.max(MAX_TOOL_STEP_TEXT_CHARS, `must be at most ${MAX_TOOL_STEP_TEXT_CHARS} characters`),
	calls: z
		.array(replyToolCallSchema)
		.min(1, 'a round makes at least one call')
		.max(MAX_CALLS_PER_ROUND, `a round makes at most ${MAX_CALLS_PER_ROUND} calls`)
});
export type ReplyToolStep = z.infer<typeof replyToolStepSchema>;

export const replyToolStepsSchema = z
	.array(replyToolStepSchema)
	.min(1, 'leave it out when no tool was used')
	.max(MAX_REPLY_TOOL_ROUNDS, `must hold at most ${MAX_REPLY_TOOL_ROUNDS} rounds`);

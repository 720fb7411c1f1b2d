// Runs one tool call the model wrote and says what happened in words the model and the user can
// read. Nothing the model writes is trusted: the tool must exist and be allowed, its arguments
// must pass the tool's schema, and it must finish in time; every failure becomes a result the
// model reads on its next turn, never an exception that ends the reply.
import type { ToolCallRecord } from '$lib/protocol/tools';
import type { ParsedToolCall } from '$lib/shared/tool-calls';
import type { Tool } from '$lib/shared/tools/tool';
import { zodProblems } from '$lib/shared/zod-issues';

/** A tool's result is cut here at most: a small model's context holds a few thousand characters. */
export const MAX_RESULT_CHARS = 2000;

/**
 * The longest result a model reading `contextWindow` tokens is given: half its window in
 * characters. A byte-level tokenizer (the demo's) spends a token on every character, so a longer
 * result would leave no room for the question, the call and the answer. A result cut short
 * reaches the model and the user alike; one too long for the model would end the reply in an
 * error.
 */
export function resultCharsFor(contextWindow: number): number {
	return Math.min(MAX_RESULT_CHARS, Math.floor(contextWindow / 2));
}

export const TOOL_TIMEOUT_MS = 15_000;
const STOPPED = 'the reply was stopped';

export interface RunOptions {
	signal: AbortSignal;
	timeoutMs?: number;
	/** Asks the user before a network tool first runs in a conversation; false refuses the call. */
	allow(tool: Tool): Promise<boolean>;
	/** Where the result is cut (MAX_RESULT_CHARS unless the model reads less: `resultCharsFor`). */
	maxResultChars?: number;
	now?: () => number;
}

export async function runToolCall(
	call: ParsedToolCall,
	tools: ReadonlyMap<string, Tool>,
	options: RunOptions
): Promise<ToolCallRecord> {
	const now = options.now ?? (() => performance.now());
	const started = now();
	const record = (status: ToolCallRecord['status'], result: string, extra = {}) => ({
		name: call.name,
		arguments: call.ok ? call.arguments : call.raw,
		result: cut(result, options.maxResultChars ?? MAX_RESULT_CHARS),
		status,
		ms: Math.round(now() - started),
		...extra
	});
	if (!call.ok) return record('error', `Error: ${call.error}.`);
	const tool = tools.get(call.name);
	if (!tool) {
		const names = [...tools.keys()];
		return record(
			'error',
			`Error: there is no tool named "${call.name}". ` +
				(names.length ? `The tools are: ${names.join(', ')}.` : 'No tools are on.')
		);
	}
	const args = tool.arguments.safeParse(call.arguments);
	if (!args.success) {
		return record(
			'error',
			`Error: wrong arguments for ${tool.name}: ${zodProblems(args.error).join('; ')}.`
		);
	}
	if (tool.network && !(await options.allow(tool))) {
		// Stop answers an open question with no: that is not the user refusing the tool.
		if (options.signal.aborted) return record('error', `Error: ${STOPPED}`);
		return record('error', `The user did not allow ${tool.name} in this conversation.`);
	}
	try {
		const output = await withTimeout(
			(signal) => tool.run(args.data, { signal }),
			options.signal,
			options.timeoutMs ?? TOOL_TIMEOUT_MS
		);
		return record('ok', output.text, output.sources ? { sources: output.sources } : {});
	} catch (error) {
		return record('error', `Error: ${tool.name} failed: ${messageOf(error)}`);
	}
}

/** Runs `task` with a signal that aborts when `outer` does or after `ms`, and rejects then. */
async function withTimeout<T>(
	task: (signal: AbortSignal) => Promise<T>,
	outer: AbortSignal,
	ms: number
): Promise<T> {
	const controller = new AbortController();
	const timeout = AbortSignal.timeout(ms);
	const signal = AbortSignal.any([outer, timeout, controller.signal]);
	let onAbort!: () => void;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () =>
			reject(new Error(timeout.aborted ? `it took longer than ${ms / 1000} s` : STOPPED));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([task(signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
		controller.abort();
	}
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function cut(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max)}… (cut at ${max} characters)`;
}

// A reply that may call tools: the model is given the tools, each tool call it writes is run and
// its result handed back as a `tool` turn, and it is asked again, until it answers without a
// call, the user stops it, or it has used its rounds. The same loop serves every backend: the
// worker renders the tools through the model's template or as prompt text.
import type { ChatMessage, GenerationParamsInput, GenerationResult } from '$lib/protocol/inference';
import { MAX_CALLS_PER_ROUND, type ToolStep } from '$lib/protocol/tools';
import { parseToolCalls, toolTurns } from '$lib/shared/tool-calls';
import { toolSpec, type Tool } from '$lib/shared/tools/tool';
import { resultCharsFor, runToolCall, type RunOptions } from '$lib/tools/run-tool-call';

export interface ToolLoop {
	/** The conversation up to the reply (the reply's own earlier rounds are added by the loop). */
	messages: ChatMessage[];
	params: GenerationParamsInput;
	tools: readonly Tool[];
	/** Rounds of calls allowed before the model must answer. */
	maxRounds: number;
	signal: AbortSignal;
	/** One generation, streamed to the user by the caller. */
	generate(messages: ChatMessage[], params: GenerationParamsInput): Promise<GenerationResult>;
	/** A round's calls are about to run (`step.calls` fills as each finishes) or have run. */
	onStep(steps: ToolStep[]): void;
	allow: RunOptions['allow'];
	/** The tokens the model reads: its tools' results are cut to fit (`resultCharsFor`). */
	contextWindow: number;
	timeoutMs?: number;
}

export interface ToolLoopResult {
	result: GenerationResult;
	steps: ToolStep[];
	/** Set when the model was still calling tools after its last round. */
	error?: string;
}

export async function generateWithTools(loop: ToolLoop): Promise<ToolLoopResult> {
	const byName = new Map(loop.tools.map((tool) => [tool.name, tool]));
	const params = { ...loop.params, tools: loop.tools.map(toolSpec) };
	const steps: ToolStep[] = [];
	let completionTokens = 0;
	for (let round = 0; ; round++) {
		const result = await loop.generate([...loop.messages, ...toolTurns(steps)], params);
		completionTokens += result.stats.completionTokens;
		const total = { ...result, stats: { ...result.stats, completionTokens } };
		const parsed = parseToolCalls(result.text);
		if (parsed.calls.length === 0 || result.finishReason === 'interrupted') {
			return { result: total, steps };
		}
		if (round >= loop.maxRounds) {
			return {
				result: { ...total, text: parsed.content },
				steps,
				error: `The model was still calling tools after ${loop.maxRounds} rounds, so it was stopped. The limit is in Settings → Tools.`
			};
		}
		// As many calls as a shared reply may hold in a round; a model that writes more (a small one
		// looping) would fill the context with their results. It can call again next round, and
		// the user is shown how many were not run.
		const notRun = parsed.calls.length - MAX_CALLS_PER_ROUND;
		const step: ToolStep = { text: parsed.content, calls: [], ...(notRun > 0 && { notRun }) };
		steps.push(step);
		loop.onStep(steps);
		for (const call of parsed.calls.slice(0, MAX_CALLS_PER_ROUND)) {
			if (loop.signal.aborted) break;
			step.calls.push(
				await runToolCall(call, byName, {
					signal: loop.signal,
					allow: loop.allow,
					maxResultChars: resultCharsFor(loop.contextWindow),
					timeoutMs: loop.timeoutMs
				})
			);
			loop.onStep(steps);
		}
		if (loop.signal.aborted) {
			return { result: { ...total, text: '', finishReason: 'interrupted' }, steps };
		}
	}
}

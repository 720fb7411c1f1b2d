// What a tool is, for every runtime that meets one: the browser runs tools for the model, the
// pipeline runs the same code to write the results its seed conversations teach from.
import { z } from 'zod';

/** What a tool gives back: the text the model reads, and the passages it quoted (for citations). */
export interface ToolOutput {
	text: string;
	sources?: { id: string; title: string; text: string }[];
}

export interface ToolContext {
	/** Aborts when the user stops the reply or the tool runs past its time. */
	signal: AbortSignal;
}

/** What the model is told of a tool, and what Settings shows people; the pipeline needs no more. */
export interface ToolDeclaration<Args extends Record<string, unknown> = Record<string, unknown>> {
	name: string;
	/** What people call it (Settings lists it so); models see only `name`. */
	title: string;
	/** One sentence the model (and the Settings page) reads. */
	description: string;
	/** Checks the model's arguments; its JSON Schema is what the model is shown. */
	arguments: z.ZodType<Args>;
	/** Reaches the network: off until the user allows it. */
	network?: boolean;
}

export interface Tool<
	Args extends Record<string, unknown> = Record<string, unknown>
> extends ToolDeclaration<Args> {
	run(args: Args, context: ToolContext): Promise<ToolOutput>;
}

/** The tool as chat templates and OpenAI-style engines take it. */
export function toolSpec(tool: ToolDeclaration) {
	return {
		type: 'function' as const,
		function: {
			name: tool.name,
			description: tool.description,
			parameters: z.toJSONSchema(tool.arguments) as Record<string, unknown>
		}
	};
}

/** A tool written with its argument type checked, stored with the rest as a plain `Tool`. */
export function defineTool<Args extends Record<string, unknown>>(tool: Tool<Args>): Tool {
	return tool as unknown as Tool;
}

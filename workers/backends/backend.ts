// What the worker needs from a runtime once a model is loaded. Each backend owns its model and
// streams tokens; the worker owns validation, the one-generation-at-a-time rule and interrupts.
import type {
	ChatMessage,
	GenerationParams,
	GenerationResult,
	LoadedModel
} from '$lib/protocol/inference';

export interface TokenSink {
	/** Called once per completion token with the text it made safe to show (often ''). */
	(text: string, tokenIndex: number): void;
}

export interface Backend {
	readonly info: LoadedModel;
	/** Generates until a stop condition or until `signal` aborts, checked between tokens. */
	generate(
		messages: ChatMessage[],
		params: GenerationParams,
		onToken: TokenSink,
		signal: AbortSignal
	): Promise<GenerationResult>;
	unload(): Promise<void>;
}

import type {
	ChatMessage,
	LoadedModel,
	GenerationParamsInput,
	GenerationResult,
	TokenEvent
} from '$lib/protocol/inference';
import type { ReplyEngine } from '$lib/chat/chat-session.svelte';

/**
 * An engine that replies with scripted text, one word per token, yielding to the event loop
 * between tokens as the worker does; it honours max tokens and stops at the next token after
 * interrupt(). Chat's own logic is what the session tests exercise; the real engine runs in
 * the end-to-end tests.
 */
export class ScriptedEngine implements ReplyEngine {
	readonly prompts: { messages: ChatMessage[]; params: GenerationParamsInput }[] = [];
	replies: string[] = [];
	loads = 0;
	/** How the scripted model takes tools (none unless a test says so). */
	toolUseMode: LoadedModel['toolUse'] = null;
	contextWindow = 8192;
	failNext: Error | null = null;
	#interrupted = false;
	#gate: Promise<void> | null = null;
	/** Resolves when the next generation has produced `n` tokens. */
	#tokenWaiters: { n: number; resolve: () => void }[] = [];

	async ready(onProgress: (p: { text: string; fraction: number | null }) => void): Promise<string> {
		this.loads++;
		onProgress({ text: 'Loading the scripted model', fraction: 1 });
		return 'scripted-model';
	}

	/** The scripted model is version 3 of its registry model. */
	async versionOf(modelId: string): Promise<number | null> {
		return modelId === 'scripted-model' ? 3 : null;
	}

	async toolUse(): Promise<Pick<LoadedModel, 'toolUse' | 'contextWindow'>> {
		return { toolUse: this.toolUseMode, contextWindow: this.contextWindow };
	}

	async generate(
		messages: ChatMessage[],
		params: GenerationParamsInput,
		onToken: (event: TokenEvent) => void
	): Promise<GenerationResult> {
		this.prompts.push({ messages: structuredClone(messages), params: { ...params } });
		this.#interrupted = false;
		if (this.failNext) {
			const error = this.failNext;
			this.failNext = null;
			throw error;
		}
		const words = (this.replies.shift() ?? 'ok').split(/(?<= )/);
		const max = params.maxTokens ?? Infinity;
		let text = '';
		let finishReason: GenerationResult['finishReason'] = 'stop';
		for (let i = 0; i < words.length; i++) {
			await new Promise((resolve) => setTimeout(resolve, 0));
			await this.#gate;
			if (this.#interrupted) {
				finishReason = 'interrupted';
				break;
			}
			if (i >= max) {
				finishReason = 'length';
				break;
			}
			text += words[i];
			onToken({ text: words[i], tokenIndex: i + 1 });
			for (const w of this.#tokenWaiters.filter((w) => w.n === i + 1)) w.resolve();
		}
		const completionTokens = text ? text.split(/(?<= )/).length : 0;
		return {
			text,
			finishReason,
			stats: {
				promptTokens: 10,
				cachedPromptTokens: 0,
				completionTokens,
				prefillTokensPerSecond: 100,
				decodeTokensPerSecond: 25,
				timeToFirstTokenMs: 40
			}
		};
	}

	async interrupt(): Promise<{ tokensAtRequest: number } | null> {
		this.#interrupted = true;
		return { tokensAtRequest: 0 };
	}

	/** Holds every generation before its next token until the returned function is called. */
	hold(): () => void {
		let release!: () => void;
		this.#gate = new Promise((resolve) => (release = resolve));
		return () => {
			this.#gate = null;
			release();
		};
	}

	afterTokens(n: number): Promise<void> {
		return new Promise((resolve) => this.#tokenWaiters.push({ n, resolve }));
	}
}

// The web-llm backend: MLC-compiled models (WebGPU only) run by web-llm's MLCEngine inside our
// worker. web-llm downloads and caches the weights itself and does its own tokenizing, chat
// template and sampling; we translate our parameters and its streamed chunks.
import type {
	ChatMessage,
	FinishReason,
	GenerationParams,
	GenerationResult,
	LoadProgress
} from '$lib/protocol/inference';
import type { WebllmModelRecord } from '$lib/protocol/model-record';
import type { ChatCompletionMessageParam, MLCEngine, CompletionUsage } from '@mlc-ai/web-llm';
import type { Backend, TokenSink } from './backend';
import { toolsAsText } from '$lib/shared/tool-calls';
import { webllmAppConfig } from './webllm-config';

export async function loadWebllmBackend(
	record: WebllmModelRecord,
	onProgress: (progress: LoadProgress) => void
): Promise<Backend> {
	const started = performance.now();
	// Dynamic: web-llm is large and only devices with WebGPU ever need it.
	const webllm = await import('@mlc-ai/web-llm');
	const engine = new webllm.MLCEngine({
		appConfig: webllmAppConfig(record),
		initProgressCallback: (report) => onProgress({ text: report.text, fraction: report.progress })
	});
	try {
		await engine.reload(record.id);
	} catch (error) {
		await engine.unload().catch(() => {});
		throw new Error(loadFailure(record, error), { cause: error });
	}
	onProgress({ text: 'Ready', fraction: 1 });
	return new WebllmBackend(engine, {
		modelId: record.id,
		runtime: 'webllm',
		device: 'webgpu',
		threads: null,
		contextWindow: record.context_window,
		// web-llm takes `tools` only for Hermes models; the rest get the same protocol as text.
		toolUse: 'prompt',
		loadMs: performance.now() - started
	});
}

/**
 * Says whether the download or the start failed, in the words the page's own downloads use; fetch
 * reports an unreachable host as a TypeError. The model is not named: the page says which.
 */
function loadFailure(record: WebllmModelRecord, error: unknown): string {
	const host = new URL(record.source).host;
	const message = error instanceof Error ? error.message : String(error);
	return error instanceof TypeError && /fetch|network/i.test(message)
		? `Could not reach ${host} to download the model (${message})`
		: `Could not load the model from ${host}: ${message}`;
}

const finishReasons: Record<string, FinishReason> = {
	stop: 'stop',
	length: 'length',
	abort: 'interrupted'
};

export class WebllmBackend implements Backend {
	constructor(
		private readonly engine: MLCEngine,
		readonly info: Backend['info']
	) {}

	async generate(
		messages: ChatMessage[],
		params: GenerationParams,
		onToken: TokenSink,
		signal: AbortSignal
	): Promise<GenerationResult> {
		if (messages[messages.length - 1].role === 'assistant') {
			// web-llm only answers a user (or tool) message; it cannot extend a reply in place.
			throw new Error(`${this.info.modelId} cannot continue a reply; regenerate it instead`);
		}
		const started = performance.now();
		// web-llm has no top-k; temperature 0 is greedy there too.
		const chunks = await this.engine.chat.completions.create({
			messages: (params.tools.length
				? toolsAsText(messages, params.tools)
				: messages) as ChatCompletionMessageParam[],
			stream: true,
			stream_options: { include_usage: true },
			max_tokens: params.maxTokens,
			temperature: params.temperature,
			top_p: params.topP,
			repetition_penalty: params.repetitionPenalty,
			seed: params.seed,
			stop: params.stop.length ? params.stop : undefined
		});
		const interrupt = () => void this.engine.interruptGenerate();
		signal.addEventListener('abort', interrupt);
		let reply = '';
		let tokens = 0;
		let firstTokenAt = 0;
		let finishReason: FinishReason = 'stop';
		let usage: CompletionUsage | undefined;
		try {
			for await (const chunk of chunks) {
				const choice = chunk.choices[0];
				const delta = choice?.delta.content ?? '';
				if (delta) {
					tokens++;
					if (tokens === 1) firstTokenAt = performance.now();
					reply += delta;
					onToken(delta, tokens);
				}
				if (choice?.finish_reason) finishReason = finishReasons[choice.finish_reason] ?? 'stop';
				if (chunk.usage) usage = chunk.usage;
			}
		} finally {
			signal.removeEventListener('abort', interrupt);
		}
		if (signal.aborted) finishReason = 'interrupted';
		return {
			text: reply,
			finishReason,
			stats: {
				promptTokens: usage?.prompt_tokens ?? 0,
				cachedPromptTokens: 0,
				completionTokens: usage?.completion_tokens ?? tokens,
				prefillTokensPerSecond: usage?.extra.prefill_tokens_per_s ?? 0,
				decodeTokensPerSecond: usage?.extra.decode_tokens_per_s ?? 0,
				timeToFirstTokenMs: usage
					? usage.extra.time_to_first_token_s * 1000
					: firstTokenAt - started
			}
		};
	}

	async unload(): Promise<void> {
		await this.engine.unload();
	}
}

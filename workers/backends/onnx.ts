// The ONNX backend: a model in the Hugging Face ONNX layout run by onnxruntime-web on WebGPU or
// WebAssembly. Prompts are rendered and tokenized by src/lib/shared/chat-format.ts, the same
// code that rendered the model's training data, and fitted into the model's window by
// ./prompt-window.ts; tokens are chosen by ../sampling.ts.
import { z } from 'zod';
import { ChatFormat } from '$lib/shared/chat-format';
import type {
	ChatMessage,
	GenerationParams,
	GenerationResult,
	LoadOptions,
	LoadProgress,
	FinishReason
} from '$lib/protocol/inference';
import { wasmThreadsFor } from '$lib/protocol/inference';
import {
	onnxSupportFiles,
	onnxVariantFiles,
	type OnnxModelRecord
} from '$lib/protocol/model-record';
import type { Backend, TokenSink } from './backend';
import { OnnxDecoder } from './onnx-decoder';
import { fitPrompt } from './prompt-window';
import { loadOrt } from './onnx-runtime';
import { ModelFileSet } from '../model-files';
import { webgpu } from '../probe';
import { StopStringWatcher, sampleToken } from '../sampling';
import { seededRandom } from '$lib/shared/random';
import { TokenTextStream } from '../token-text';
import { nextTask } from '../next-task';
import { zodProblems } from '$lib/shared/zod-issues';

const positiveInt = z.number().int().positive();
const modelConfig = z.object({
	vocab_size: positiveInt,
	hidden_size: positiveInt,
	num_hidden_layers: positiveInt,
	num_attention_heads: positiveInt,
	num_key_value_heads: positiveInt.optional(),
	head_dim: positiveInt.optional(),
	max_position_embeddings: positiveInt.optional()
});
const generationConfig = z.object({
	eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).nullish()
});

// Chat templates of the models we run may test for tools; we never pass any.
const TEMPLATE_VARIABLES = ['tools'];

function parseJsonFile<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	throw new Error(`${file}: ${zodProblems(result.error).join('; ')}`);
}

export async function loadOnnxBackend(
	record: OnnxModelRecord,
	fileMap: Record<string, Blob | string>,
	options: LoadOptions,
	onProgress: (progress: LoadProgress) => void
): Promise<Backend> {
	const started = performance.now();
	const files = new ModelFileSet(fileMap);
	const missing = [...onnxSupportFiles, record.model_file].filter(
		(path) => !files.paths().includes(path)
	);
	if (missing.length) throw new Error(`${record.name}: files missing: ${missing.join(', ')}`);

	onProgress({ text: 'Reading the tokenizer and chat template', fraction: null });
	const config = parseJsonFile(modelConfig, await files.json('config.json'), 'config.json');
	const generation = parseJsonFile(
		generationConfig,
		await files.json('generation_config.json'),
		'generation_config.json'
	);
	const chat = new ChatFormat(
		await files.json('tokenizer.json'),
		await files.json('tokenizer_config.json'),
		TEMPLATE_VARIABLES
	);

	const hasGpu = Boolean(await webgpu()?.requestAdapter());
	const device = options.device ?? (hasGpu ? 'webgpu' : 'wasm');
	if (device === 'webgpu' && !hasGpu) {
		throw new Error(
			'WebGPU is not available in this browser; run the model on WebAssembly instead'
		);
	}
	const wantedThreads = wasmThreadsFor(
		{
			crossOriginIsolated: self.crossOriginIsolated,
			hardwareConcurrency: navigator.hardwareConcurrency || 1
		},
		record.parameters,
		options.threads
	);
	const { ort, threads } = await loadOrt(device, wantedThreads);

	onProgress({
		text:
			device === 'webgpu'
				? 'Compiling the model for WebGPU'
				: `Loading the model for WebAssembly (${threads} thread${threads > 1 ? 's' : ''})`,
		fraction: null
	});
	const modelDirectory = record.model_file.slice(0, record.model_file.lastIndexOf('/') + 1);
	const externalData = onnxVariantFiles(record.model_file, files.paths())
		.filter((path) => path.startsWith(modelDirectory) && path !== record.model_file)
		.map((path) => ({ path: path.slice(modelDirectory.length), data: files.source(path) }));
	const decoder = await OnnxDecoder.create(
		ort,
		device,
		await files.bytes(record.model_file),
		record.model_file,
		externalData,
		{
			layers: config.num_hidden_layers,
			kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
			headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
			vocabSize: config.vocab_size
		}
	);

	const endOfTurn = new Set([chat.eosTokenId, ...[generation.eos_token_id ?? []].flat()]);
	const contextWindow = Math.min(record.context_window, config.max_position_embeddings ?? Infinity);
	onProgress({ text: 'Ready', fraction: 1 });
	return new OnnxBackend(chat, decoder, endOfTurn, {
		modelId: record.id,
		runtime: 'onnx',
		device,
		threads: device === 'wasm' ? threads : null,
		contextWindow,
		toolUse: chat.readsTools ? 'template' : null,
		loadMs: performance.now() - started
	});
}

class OnnxBackend implements Backend {
	constructor(
		private readonly chat: ChatFormat,
		private readonly decoder: OnnxDecoder,
		private readonly endOfTurn: ReadonlySet<number>,
		readonly info: Backend['info']
	) {}

	async generate(
		messages: ChatMessage[],
		params: GenerationParams,
		onToken: TokenSink,
		signal: AbortSignal
	): Promise<GenerationResult> {
		const started = performance.now();
		const promptIds = fitPrompt(this.chat, messages, params, this.info.contextWindow);
		const seen = new Set(promptIds);
		const random = seededRandom(params.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]);
		const text = new TokenTextStream((ids) => this.chat.decode(ids, true));
		const stops = new StopStringWatcher(params.stop);
		let reply = '';
		let completionTokens = 0;
		let firstTokenAt = 0;
		let finishReason: FinishReason | null = null;

		const cached = this.decoder.continueWith(promptIds);
		let logits = await this.decoder.forward(promptIds.slice(cached), signal);
		const prefillDone = performance.now();
		while (finishReason === null) {
			if (signal.aborted || !logits) {
				finishReason = 'interrupted';
				break;
			}
			const id = sampleToken(logits, params, seen, random);
			completionTokens++;
			if (completionTokens === 1) firstTokenAt = performance.now();
			seen.add(id);
			let shown = '';
			if (this.endOfTurn.has(id)) {
				finishReason = 'stop';
			} else {
				const step = stops.push(text.push(id));
				shown = step.text;
				if (step.stopped) finishReason = 'stop';
				else if (completionTokens >= params.maxTokens) finishReason = 'length';
				else if (this.decoder.pastLength >= this.info.contextWindow) finishReason = 'length';
			}
			reply += shown;
			onToken(shown, completionTokens);
			if (finishReason !== null) break;
			// Let interrupt() and other messages in: a WASM run blocks this thread until it returns.
			await nextTask();
			if (signal.aborted) {
				finishReason = 'interrupted';
				break;
			}
			logits = await this.decoder.forward([id]);
		}
		const finished = performance.now();
		// Text held back as possibly the start of a stop string, or half a character, ends the
		// reply unless a stop string was found (the watcher then gives nothing).
		const rest = stops.push(text.flush()).text + stops.flush();
		if (rest) {
			reply += rest;
			onToken(rest, completionTokens);
		}

		const seconds = (ms: number) => ms / 1000;
		return {
			text: reply,
			finishReason,
			stats: {
				promptTokens: promptIds.length,
				cachedPromptTokens: cached,
				completionTokens,
				// Over the tokens actually run: a follow-up turn reuses the cached conversation.
				prefillTokensPerSecond: (promptIds.length - cached) / seconds(prefillDone - started),
				decodeTokensPerSecond:
					completionTokens > 1 ? (completionTokens - 1) / seconds(finished - firstTokenAt) : 0,
				timeToFirstTokenMs: completionTokens > 0 ? firstTokenAt - started : 0
			}
		};
	}

	async unload(): Promise<void> {
		await this.decoder.release();
	}
}

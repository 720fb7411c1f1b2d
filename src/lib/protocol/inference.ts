// What the page and the inference worker say to each other. The worker validates every request
// with these schemas, so a bad call from the page fails with a message naming the field instead
// of a crash deep inside a runtime.
import { z } from 'zod';
import type { ModelRecord } from './model-record';
import { toolCallMessage, toolSpec } from './tools';

export const chatRole = z.enum(['system', 'user', 'assistant', 'tool']);
export type ChatRole = z.infer<typeof chatRole>;

/**
 * A message as chat templates take it (Hugging Face's and OpenAI's shape): an assistant turn may
 * carry the tools it called, and a `tool` message carries one call's result.
 */
export const chatMessage = z.object({
	role: chatRole,
	content: z.string(),
	tool_calls: z.array(toolCallMessage).max(16).optional()
});
export type ChatMessage = z.infer<typeof chatMessage>;

export const chatMessages = z
	.array(chatMessage)
	.min(1, 'a conversation needs at least one message');

/** Sampling settings. `temperature: 0` means greedy decoding (the other sampling knobs are then ignored). */
export const generationParams = z.object({
	maxTokens: z.number().int().min(1).max(32_768).default(512),
	temperature: z.number().min(0).max(5).default(0.7),
	/** Keep only the k most likely tokens; 0 keeps all. */
	topK: z.number().int().min(0).default(40),
	/** Keep the smallest set of tokens whose probability reaches p; 1 keeps all. */
	topP: z.number().gt(0).max(1).default(0.95),
	/** Hugging Face style: > 1 discourages tokens already in the prompt or reply; 1 is off. */
	repetitionPenalty: z.number().min(1).max(3).default(1.1),
	/** Same seed, same model, same prompt → same reply. Absent: a fresh random seed. */
	seed: z.number().int().min(0).max(0xffff_ffff).optional(),
	/** Generation ends before the first occurrence of any of these; the string itself is not returned. */
	stop: z.array(z.string().min(1, 'a stop string cannot be empty')).max(16).default([]),
	/** Tools the model may call, given to its chat template; calls come back in the reply's text. */
	tools: z.array(toolSpec).max(16).default([])
});
export type GenerationParams = z.output<typeof generationParams>;
export type GenerationParamsInput = z.input<typeof generationParams>;

export const defaultGenerationParams: GenerationParams = generationParams.parse({});

export type FinishReason = 'stop' | 'length' | 'interrupted';

export interface GenerationStats {
	promptTokens: number;
	/** Prompt tokens whose keys and values were kept from the previous turn rather than recomputed (ONNX backend; web-llm reports 0). */
	cachedPromptTokens: number;
	completionTokens: number;
	prefillTokensPerSecond: number;
	decodeTokensPerSecond: number;
	timeToFirstTokenMs: number;
}

export interface GenerationResult {
	text: string;
	finishReason: FinishReason;
	stats: GenerationStats;
}

/** One streamed piece of the reply: `text` is new text (possibly empty while a UTF-8 character or a possible stop string is incomplete). */
export interface TokenEvent {
	text: string;
	/** 1-based count of completion tokens generated so far. */
	tokenIndex: number;
}

export interface GpuProbe {
	vendor: string;
	architecture: string;
	description: string;
	/** A software adapter (SwiftShader and the like): WebGPU works but is slow. */
	isFallbackAdapter: boolean;
	shaderF16: boolean;
	maxBufferSize: number;
	maxStorageBufferBindingSize: number;
}

export interface DeviceProbe {
	/** null when there is no WebGPU adapter; `gpuUnavailableReason` says why. */
	gpu: GpuProbe | null;
	gpuUnavailableReason: string | null;
	/** navigator.deviceMemory in GiB (Chrome rounds and caps it at 8); null where the browser hides it. */
	deviceMemoryGB: number | null;
	hardwareConcurrency: number;
	crossOriginIsolated: boolean;
	/** WebAssembly threads need SharedArrayBuffer, which needs cross-origin isolation. */
	wasmThreads: boolean;
}

export const onnxDevice = z.enum(['webgpu', 'wasm']);
export type OnnxDevice = z.infer<typeof onnxDevice>;

/**
 * The model's files as the page's model manager hands them over, after verifying them:
 * path inside the model layout (`onnx/model_q4.onnx`, `tokenizer.json`, …) → Blob or absolute URL.
 * Web-llm models bring their own downloader and cache, so for them the map is empty.
 */
export type ModelFiles = Record<string, Blob | string>;

export const modelFiles = z.record(
	z.string().min(1),
	z.union([z.instanceof(Blob), z.url({ error: 'a model file must be a Blob or an absolute URL' })])
);

/** More threads than this mostly contend with the page and the GPU process for the same cores. */
export const MAX_WASM_THREADS = 4;
/**
 * Below this many parameters every operation is too small to split across threads: waking a
 * second thread costs more than it saves (bench/inference.ts measures the demo model at about
 * twice the decode speed on one thread as on two).
 */
export const SINGLE_THREAD_BELOW_PARAMETERS = 20_000_000;

/**
 * WebAssembly threads for a model: shared by the worker, which sets them, and the Models page,
 * which says how many will be used. Without cross-origin isolation there is no
 * SharedArrayBuffer and so only one thread.
 */
export function wasmThreadsFor(
	device: Pick<DeviceProbe, 'crossOriginIsolated' | 'hardwareConcurrency'>,
	parameters: number,
	requested?: number
): number {
	if (!device.crossOriginIsolated) return 1;
	const available = Math.max(1, Math.min(device.hardwareConcurrency, MAX_WASM_THREADS));
	if (requested !== undefined) return Math.min(requested, available);
	return parameters < SINGLE_THREAD_BELOW_PARAMETERS ? 1 : available;
}

export const loadOptions = z.object({
	/** ONNX only: where to run; defaults to WebGPU when there is an adapter, else WASM. */
	device: onnxDevice.optional(),
	/** ONNX on WASM only: threads, at most the cores available; defaults to `wasmThreadsFor`. */
	threads: z.number().int().min(1).max(16).optional()
});
export type LoadOptions = z.infer<typeof loadOptions>;

export interface LoadProgress {
	/** What is happening now, in words a person can read ("Compiling the model for WebGPU"). */
	text: string;
	/** 0..1 when known. */
	fraction: number | null;
}

export interface LoadedModel {
	modelId: string;
	runtime: ModelRecord['runtime'];
	/** Where it runs: 'webgpu' or 'wasm'. */
	device: OnnxDevice;
	/** WASM threads actually used (1 when not cross-origin isolated); null on WebGPU. */
	threads: number | null;
	contextWindow: number;
	/**
	 * How the model is told of tools: its chat template renders them ('template'), the prompt
	 * describes them as text for a model that follows instructions ('prompt'), or it cannot use
	 * them (null: a model never trained for tools, such as the first demo model).
	 */
	toolUse: 'template' | 'prompt' | null;
	loadMs: number;
}

export interface InterruptResult {
	/** Completion tokens that existed when the worker received the request; the reply ends at most one token later. */
	tokensAtRequest: number;
}

/** The worker's API, exposed with comlink. Callbacks arrive as comlink proxies. */
export interface InferenceWorkerApi {
	probe(): Promise<DeviceProbe>;
	load(
		record: ModelRecord,
		files: ModelFiles,
		onProgress: (progress: LoadProgress) => void,
		options?: LoadOptions
	): Promise<LoadedModel>;
	/**
	 * Replies to `messages`. When the last message is the assistant's (a reply cut at max
	 * tokens), the model continues that reply instead and returns only the new text (ONNX
	 * models; web-llm models refuse).
	 */
	generate(
		messages: ChatMessage[],
		params: GenerationParamsInput,
		onToken: (event: TokenEvent) => void
	): Promise<GenerationResult>;
	/** Stops the running generation between two tokens; null when nothing was generating. */
	interrupt(): Promise<InterruptResult | null>;
	unload(): Promise<void>;
	/**
	 * The URLs the worker fetched so far (its code chunks, the WebAssembly runtime). A worker
	 * started before the service worker controlled the page fetches them past its cache; the
	 * page has them fetched again to keep them for offline use (`InferenceClient.keepWorkerFiles`).
	 */
	loadedFiles(): Promise<string[]>;
}

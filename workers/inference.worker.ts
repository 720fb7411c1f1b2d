// The inference worker: the page never runs a model. One model at a time, one reply at a time;
// every request is validated here, so a bad call gets an error naming the field.
import { expose, releaseProxy, type Remote } from 'comlink';
import type { z } from 'zod';
import {
	chatMessages,
	generationParams,
	loadOptions,
	modelFiles,
	type InferenceWorkerApi,
	type LoadProgress,
	type TokenEvent
} from '$lib/protocol/inference';
import { parseModelRecord } from '$lib/protocol/model-record';
import type { Backend } from './backends/backend';
import { probeDevice } from './probe';

let backend: Backend | null = null;
let busy: 'loading' | 'generating' | null = null;
let running: { controller: AbortController; tokens: number; finished: Promise<unknown> } | null =
	null;

function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const problems = result.error.issues.map(
		(issue) => [name, ...issue.path].join('.') + `: ${issue.message}`
	);
	throw new Error(`invalid ${name}: ${problems.join('; ')}`);
}

/** Comlink proxies return promises; a page that stopped listening must not break generation. */
function callSafely<T>(callback: (value: T) => unknown, value: T): void {
	Promise.resolve()
		.then(() => callback(value))
		.catch(() => {});
}

/** Frees the message channel comlink opened for a callback once the call that took it is over. */
function release(callback: unknown): void {
	(callback as Partial<Remote<() => void>>)[releaseProxy]?.();
}

async function unloadCurrent(): Promise<void> {
	const current = backend;
	backend = null;
	await current?.unload();
}

const api: InferenceWorkerApi = {
	probe: probeDevice,

	async load(recordInput, filesInput, onProgress, optionsInput = {}) {
		if (busy) throw new Error(`cannot load a model while ${busy}; wait or interrupt first`);
		const record = parseModelRecord(recordInput, 'model record');
		const files = parse(modelFiles, filesInput, 'files');
		const options = parse(loadOptions, optionsInput, 'options');
		busy = 'loading';
		try {
			await unloadCurrent();
			const progress = (update: LoadProgress) => callSafely(onProgress, update);
			if (record.runtime === 'onnx') {
				const { loadOnnxBackend } = await import('./backends/onnx');
				backend = await loadOnnxBackend(record, files, options, progress);
			} else {
				const { loadWebllmBackend } = await import('./backends/webllm');
				backend = await loadWebllmBackend(record, progress);
			}
			return backend.info;
		} finally {
			busy = null;
			release(onProgress);
		}
	},

	async generate(messagesInput, paramsInput, onToken) {
		if (!backend) throw new Error('no model is loaded');
		if (busy) throw new Error(`cannot generate while ${busy}`);
		const messages = parse(chatMessages, messagesInput, 'messages');
		const params = parse(generationParams, paramsInput, 'params');
		busy = 'generating';
		const controller = new AbortController();
		const reply = backend.generate(
			messages,
			params,
			(text, tokenIndex) => {
				if (running) running.tokens = tokenIndex;
				callSafely<TokenEvent>(onToken, { text, tokenIndex });
			},
			controller.signal
		);
		running = { controller, tokens: 0, finished: reply.catch(() => {}) };
		try {
			return await reply;
		} finally {
			running = null;
			busy = null;
			release(onToken);
		}
	},

	async interrupt() {
		if (!running) return null;
		const { tokens, controller, finished } = running;
		controller.abort();
		await finished;
		return { tokensAtRequest: tokens };
	},

	async unload() {
		if (busy === 'loading') throw new Error('cannot unload while a model is loading');
		if (running) await api.interrupt();
		await unloadCurrent();
	}
};

expose(api);

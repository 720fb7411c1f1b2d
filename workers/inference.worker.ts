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
import { zodProblems } from '$lib/shared/zod-issues';

let backend: Backend | null = null;
let busy: 'loading' | 'generating' | null = null;
let running: { controller: AbortController; tokens: number; finished: Promise<unknown> } | null =
	null;

function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	throw new Error(`invalid ${name}: ${zodProblems(result.error, name).join('; ')}`);
}

/**
 * Calls a page callback (a comlink proxy) without waiting for it, remembering the last call so
 * that the worker can wait until everything sent has arrived before it answers: callbacks travel
 * on their own message channel, so the answer could otherwise overtake the last tokens. A page
 * that stopped listening must not break generation, so failures are dropped.
 */
function pageCallback<T>(callback: (value: T) => unknown) {
	let last: Promise<unknown> = Promise.resolve();
	return {
		send(value: T): void {
			last = Promise.resolve()
				.then(() => callback(value))
				.catch(() => {});
		},
		delivered: () => last
	};
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
			const progress = pageCallback<LoadProgress>(onProgress);
			const report = (update: LoadProgress) => progress.send(update);
			if (record.runtime === 'onnx') {
				const { loadOnnxBackend } = await import('./backends/onnx');
				backend = await loadOnnxBackend(record, files, options, report);
			} else {
				const { loadWebllmBackend } = await import('./backends/webllm');
				backend = await loadWebllmBackend(record, report);
			}
			await progress.delivered();
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
		const tokens = pageCallback<TokenEvent>(onToken);
		const reply = backend.generate(
			messages,
			params,
			(text, tokenIndex) => {
				if (running) running.tokens = tokenIndex;
				tokens.send({ text, tokenIndex });
			},
			controller.signal
		);
		running = { controller, tokens: 0, finished: reply.catch(() => {}) };
		try {
			const result = await reply;
			await tokens.delivered();
			return result;
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
	},

	async loadedFiles() {
		return performance.getEntriesByType('resource').map((entry) => entry.name);
	}
};

expose(api);

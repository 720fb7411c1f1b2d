// The inference worker in Chromium, on WebAssembly and on the software WebGPU adapter, checked
// against onnxruntime-node running the same model files (the pipeline's own ONNX evaluation
// code). The harness page (bench/inference-page) is the app's InferenceClient and worker,
// served by the real sync server with the app's headers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { pipelineModelDir, startHarness, type Harness } from '../../bench/inference-page/fixture';
import { ensureCiRun } from './support/demo-registry';
import type { Harness as PageHarness } from '../../bench/inference-page/main';
import { OnnxDecoder } from '../../training/build/onnx-decoder';
import { ChatFormat } from '../../src/lib/shared/chat-format';
import {
	onnxVariantFiles,
	parseModelRecord,
	type OnnxModelRecord
} from '../../src/lib/protocol/model-record';
import type {
	ChatMessage,
	GenerationParamsInput,
	GenerationResult,
	LoadedModel,
	OnnxDevice
} from '../../src/lib/protocol/inference';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const q4 = parseModelRecord(
	readJson('model-configs/hearth-demo.json'),
	'hearth-demo.json'
) as OnnxModelRecord;
const fp32 = parseModelRecord(
	readJson('model-configs/hearth-demo-fp32.json'),
	'hearth-demo-fp32.json'
) as OnnxModelRecord;

const question: ChatMessage[] = [{ role: 'user', content: 'What is the capital of France?' }];
const greedy: GenerationParamsInput = { temperature: 0, repetitionPenalty: 1, maxTokens: 48 };

type Window = { harness: PageHarness };

let harness: Harness;
let chat: ChatFormat;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
	test.setTimeout(600_000);
	ensureCiRun();
	harness = await startHarness();
	chat = new ChatFormat(
		readJson(join(harness.modelDir, 'tokenizer.json')),
		readJson(join(harness.modelDir, 'tokenizer_config.json')),
		['tools']
	);
});

test.afterAll(async () => {
	await harness?.stop();
});

/** Greedy continuation of `prompt` by onnxruntime-node: token ids (with the end-of-turn token, when reached) and text. */
async function referenceContinuation(record: OnnxModelRecord, prompt: number[], maxTokens: number) {
	const decoder = await OnnxDecoder.load(
		harness.modelDir,
		record.quantization === 'q4' ? 'q4' : 'fp32'
	);
	const generation = readJson(join(harness.modelDir, 'generation_config.json'));
	const stops = new Set<number>([chat.eosTokenId, ...[generation.eos_token_id].flat()]);
	const ids = await decoder.greedy(prompt, maxTokens, stops);
	await decoder.release();
	return { ids, text: chat.decode(ids, true) };
}

/** The reference reply to `messages`. */
function referenceReply(record: OnnxModelRecord, messages: ChatMessage[], maxTokens: number) {
	return referenceContinuation(record, chat.promptIds(messages), maxTokens);
}

/**
 * What the worker's cache can give the next request: it holds the previous prompt and every
 * reply token but the last (never fed back), and is reused when the new prompt's tokens start
 * with exactly those.
 */
function reusableTokens(previousPrompt: number[], previousReply: number[], next: number[]): number {
	const fed = [...previousPrompt, ...previousReply.slice(0, -1)];
	const isPrefix = fed.length < next.length && fed.every((id, i) => id === next[i]);
	return isPrefix ? fed.length : 0;
}

async function openHarness(page: Page): Promise<void> {
	page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
	await page.goto(harness.url + '/');
	await page.waitForFunction(() => 'harness' in window);
}

async function load(
	page: Page,
	record: OnnxModelRecord,
	device: OnnxDevice,
	threads?: number
): Promise<LoadedModel> {
	const paths = onnxVariantFiles(record.model_file, harness.modelPaths);
	return page.evaluate(
		async ({ record, base, paths, device, threads }) => {
			const { harness } = window as unknown as Window;
			const files = await harness.fetchFiles(base, paths);
			return harness.client.load(record, files, () => {}, { device, threads });
		},
		{ record, base: harness.modelBase, paths, device, threads }
	);
}

async function generate(page: Page, messages: ChatMessage[], params: GenerationParamsInput) {
	return page.evaluate(
		async ({ messages, params }) => {
			const { harness } = window as unknown as Window;
			let streamed = '';
			const result = await harness.client.generate(
				messages,
				params,
				(event) => (streamed += event.text)
			);
			return { result, streamed };
		},
		{ messages, params }
	);
}

function expectSameReply(
	result: GenerationResult,
	streamed: string,
	reference: { ids: number[]; text: string },
	messages: ChatMessage[]
) {
	expect(result.text).toBe(reference.text);
	expect(streamed).toBe(result.text);
	// Both count the end-of-turn token they stopped at.
	expect(result.stats.completionTokens).toBe(reference.ids.length);
	expect(result.stats.promptTokens).toBe(chat.promptIds(messages).length);
}

/** A first reply, then a follow-up turn: the worker reuses its cache for the conversation so far. */
async function expectConversationMatchesReference(page: Page, record: OnnxModelRecord) {
	const first = await generate(page, question, greedy);
	expectSameReply(
		first.result,
		first.streamed,
		await referenceReply(record, question, 48),
		question
	);
	const followUp: ChatMessage[] = [
		...question,
		{ role: 'assistant', content: first.result.text },
		{ role: 'user', content: 'And of Spain?' }
	];
	const firstReference = await referenceReply(record, question, 48);
	const second = await generate(page, followUp, greedy);
	expectSameReply(
		second.result,
		second.streamed,
		await referenceReply(record, followUp, 48),
		followUp
	);
	expect(second.result.stats.cachedPromptTokens).toBe(
		reusableTokens(chat.promptIds(question), firstReference.ids, chat.promptIds(followUp))
	);
	return first.result;
}

test('WASM with threads: the greedy reply equals onnxruntime-node on the same model', async ({
	page
}) => {
	await openHarness(page);
	const cores = await page.evaluate(() => navigator.hardwareConcurrency);
	const info = await load(page, q4, 'wasm', 4);
	expect(info).toMatchObject({ modelId: 'hearth-demo', runtime: 'onnx', device: 'wasm' });
	// Cross-origin isolation from the server's COOP/COEP is what allows more than one thread.
	expect(info.threads).toBe(Math.min(cores, 4));

	const result = await expectConversationMatchesReference(page, q4);
	expect(result.stats.decodeTokensPerSecond).toBeGreaterThan(0);
	expect(result.stats.timeToFirstTokenMs).toBeGreaterThan(0);

	// Loading again starts a fresh worker, whose runtime takes the default: one thread for a model this small.
	expect((await load(page, q4, 'wasm')).threads).toBe(1);
	expect((await generate(page, question, greedy)).result.text).toBe(result.text);
});

test('WebGPU (software adapter): the greedy reply equals onnxruntime-node, KV cache on the GPU', async ({
	page
}) => {
	await openHarness(page);
	const probe = await page.evaluate(() => (window as unknown as Window).harness.client.probe());
	expect(probe.gpu, probe.gpuUnavailableReason ?? '').not.toBeNull();
	const info = await load(page, q4, 'webgpu');
	expect(info).toMatchObject({ device: 'webgpu', threads: null });

	await expectConversationMatchesReference(page, q4);
});

test("on the pipeline's model, greedy replies to held-out prompts equal the pipeline's own ONNX evaluation", async ({
	page
}) => {
	const reportPath = join(pipelineModelDir, '..', 'eval', 'report.json');
	const evalPath = join(pipelineModelDir, '..', 'data', 'eval.jsonl');
	expect(harness.modelDir).toBe(pipelineModelDir);
	const report = readJson(reportPath) as Record<string, unknown>;
	const replies = new Map(
		(report['onnx.q4.greedy'] as { tree_id: string; output: string }[]).map((g) => [
			g.tree_id,
			g.output
		])
	);
	const prompts = readFileSync(evalPath, 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as { tree_id: string; messages: ChatMessage[] })
		.slice(0, 5);
	const maxTokens = (readJson('training/configs/ci.json') as { eval: { max_new_tokens: number } })
		.eval.max_new_tokens;
	await openHarness(page);
	await load(page, q4, 'wasm');
	for (const prompt of prompts) {
		const { result } = await generate(page, prompt.messages, { ...greedy, maxTokens });
		expect(result.text, prompt.tree_id).toBe(replies.get(prompt.tree_id));
	}
});

test('logits in the browser (WASM) match onnxruntime-node within 1e-3, fp32 and q4', async ({
	page
}) => {
	await openHarness(page);
	const ids = chat.promptIds(question);
	for (const record of [fp32, q4]) {
		const decoder = await OnnxDecoder.load(
			harness.modelDir,
			record.quantization === 'q4' ? 'q4' : 'fp32'
		);
		// All positions in one pass, no cache: the browser feeds one token at a time through its cache.
		const { logits: expected } = await decoder.forward([ids]);
		await decoder.release();
		const paths = onnxVariantFiles(record.model_file, harness.modelPaths);
		const rows = await page.evaluate(
			async ({ base, paths, modelFile, ids }) => {
				const { harness } = window as unknown as Window;
				return harness.logits(await harness.fetchFiles(base, paths), modelFile, ids, 'wasm');
			},
			{ base: harness.modelBase, paths, modelFile: record.model_file, ids }
		);
		const vocab = expected.length / ids.length;
		let worst = 0;
		rows.forEach((row, position) => {
			expect(row).toHaveLength(vocab);
			row.forEach((value, token) => {
				worst = Math.max(worst, Math.abs(value - expected[position * vocab + token]));
			});
		});
		expect(worst, `${record.id}: largest difference`).toBeLessThan(1e-3);
	}
});

test('Continue: a reply cut at max tokens carries on where it stopped', async ({ page }) => {
	await openHarness(page);
	await load(page, q4, 'wasm');
	const cut = await generate(page, question, { ...greedy, maxTokens: 6 });
	expect(cut.result.finishReason).toBe('length');
	const cutIds = chat.encode(cut.result.text);

	const rest = await generate(
		page,
		[...question, { role: 'assistant', content: cut.result.text }],
		greedy
	);
	// The same continuation by onnxruntime-node: the prompt, then the reply so far, no end of turn.
	const prompt = chat.encode(chat.render(question, true) + cut.result.text);
	const reference = await referenceContinuation(q4, prompt, 48);
	expect(rest.result.text).toBe(reference.text);
	expect(rest.result.stats.promptTokens).toBe(prompt.length);
	expect(rest.result.stats.cachedPromptTokens).toBe(
		reusableTokens(chat.promptIds(question), cutIds, prompt)
	);
});

test('interrupt stops the reply within one token of the request', async ({ page }) => {
	await openHarness(page);
	await load(page, q4, 'wasm');
	const params = { temperature: 1, seed: 3, repetitionPenalty: 1, maxTokens: 200 };
	const outcome = await page.evaluate(
		async ({ messages, params }) => {
			const { client } = (window as unknown as Window).harness;
			const pending: { stop?: ReturnType<typeof client.interrupt> } = {};
			const result = await client.generate(messages, params, (event) => {
				if (event.tokenIndex === 2) pending.stop ??= client.interrupt();
			});
			return { result, stop: (await pending.stop) ?? null };
		},
		{ messages: question, params }
	);
	expect(outcome.stop, 'the reply ended before the interrupt arrived').not.toBeNull();
	expect(outcome.result.finishReason).toBe('interrupted');
	expect(outcome.stop!.tokensAtRequest).toBeGreaterThanOrEqual(2);
	expect(outcome.result.stats.completionTokens - outcome.stop!.tokensAtRequest).toBeLessThanOrEqual(
		1
	);
	// The worker is free again: the next reply starts normally.
	const next = await generate(page, question, greedy);
	expect(next.result.finishReason).not.toBe('interrupted');
});

test('sampling: the same seed gives the same reply; a stop string ends it and is left out', async ({
	page
}) => {
	await openHarness(page);
	await load(page, q4, 'wasm');
	const sampled = { temperature: 0.9, topK: 20, topP: 0.9, seed: 42, maxTokens: 32 };
	const first = await generate(page, question, sampled);
	const second = await generate(page, question, sampled);
	expect(second.result.text).toBe(first.result.text);

	const reference = await referenceReply(q4, question, 48);
	expect(reference.text.length, 'the reference reply is too short to cut').toBeGreaterThan(6);
	const stop = reference.text.slice(3, 6);
	const cut = await generate(page, question, { ...greedy, stop: [stop] });
	expect(cut.result.finishReason).toBe('stop');
	expect(cut.result.text).toBe(reference.text.slice(0, reference.text.indexOf(stop)));
	expect(cut.streamed).toBe(cut.result.text);
});

test('bad requests and unreachable models fail with readable messages, and the worker keeps working', async ({
	page
}) => {
	await openHarness(page);
	const attempt = (action: string, argument: unknown) =>
		page.evaluate(
			async ({ action, argument, messages }) => {
				const { client } = (window as unknown as Window).harness;
				try {
					if (action === 'generate')
						await client.generate(messages, argument as GenerationParamsInput, () => {});
					if (action === 'load') await client.load(argument as OnnxModelRecord, {});
					return 'no error';
				} catch (error) {
					return (error as Error).message;
				}
			},
			{ action, argument, messages: question }
		);

	expect(await attempt('generate', greedy)).toBe('no model is loaded');
	const unreachable = {
		...readJson('model-configs/smollm2-360m-instruct-q4f32_1.json'),
		source: 'http://127.0.0.1:9/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC'
	};
	expect(await attempt('load', unreachable)).toBe(
		'Could not reach 127.0.0.1:9 to download the model (Failed to fetch)'
	);
	expect(await attempt('load', { ...q4, context_window: -5 })).toMatch(
		/^model record: context_window: /
	);
	expect(await attempt('load', q4)).toBe(
		'Hearth demo (q4): files missing: config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model_q4.onnx'
	);

	await load(page, q4, 'wasm');
	expect(await attempt('generate', { temperature: -1 })).toMatch(
		/^invalid params: params\.temperature: /
	);
	const { result } = await generate(page, question, greedy);
	expect(result.text).toBe((await referenceReply(q4, question, 48)).text);
});

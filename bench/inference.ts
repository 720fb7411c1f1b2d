// Decode speed and time to first token of the inference worker in headless Chromium, on
// WebAssembly (one thread, and threads on) and on WebGPU, against onnxruntime-node running the
// same model files with the same thread count in the same run; and the longest main-thread task
// while tokens stream into the page. Figures, not pass/fail.
//
// Browser and native samples are taken back to back, round after round, and each ratio is the
// median of the per-round ratios: on a shared machine the load changes from second to second,
// and a pair measured together sees the same load.
//
//   npx tsx bench/inference.ts [--variant q4|fp32] [--runs 5] [--tokens 128]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { pipelineModelDir, startHarness, type Harness } from './inference-page/fixture';
import type { Harness as PageHarness } from './inference-page/main';
import { OnnxDecoder, argmax } from '../training/build/onnx-decoder';
import { ChatFormat } from '../src/lib/shared/chat-format';
import {
	onnxVariantFiles,
	parseModelRecord,
	type OnnxModelRecord
} from '../src/lib/protocol/model-record';
import type { ChatMessage, LoadedModel, OnnxDevice } from '../src/lib/protocol/inference';

const { values: options } = parseArgs({
	options: {
		variant: { type: 'string', default: 'q4' },
		runs: { type: 'string', default: '5' },
		tokens: { type: 'string', default: '128' }
	}
});
const variant = options.variant === 'fp32' ? 'fp32' : 'q4';
const rounds = Number(options.runs);
const maxTokens = Number(options.tokens);
const recordFile = variant === 'q4' ? 'hearth-demo.json' : 'hearth-demo-fp32.json';
const record = parseModelRecord(
	JSON.parse(readFileSync(join('model-configs', recordFile), 'utf8')),
	recordFile
) as OnnxModelRecord;
const messages: ChatMessage[] = [
	{ role: 'user', content: 'Tell me a story about a lighthouse keeper.' }
];
const configurations: { device: OnnxDevice; threads?: number }[] = [
	{ device: 'wasm', threads: 1 },
	{ device: 'wasm', threads: 4 },
	{ device: 'webgpu' }
];

interface Sample {
	ttftMs: number;
	decodeTokensPerSecond: number;
	completionTokens: number;
}

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A page with the worker loaded on one device; `sample()` streams one greedy reply into the page. */
async function browserSide(page: Page, harness: Harness, device: OnnxDevice, threads?: number) {
	await page.goto(harness.url + '/');
	await page.waitForFunction(() => 'harness' in window);
	const paths = onnxVariantFiles(record.model_file, harness.modelPaths);
	const info: LoadedModel = await page.evaluate(
		async ({ record, base, paths, device, threads }) => {
			const { harness } = window as unknown as { harness: PageHarness };
			const files = await harness.fetchFiles(base, paths);
			return harness.client.load(record, files, () => {}, { device, threads });
		},
		{ record, base: harness.modelBase, paths, device, threads }
	);
	const sample = async (): Promise<Sample & { longestTaskMs: number; promptTokens: number }> => {
		const { stats, longestTaskMs } = await page.evaluate(
			async ({ messages, maxTokens }) => {
				const { harness } = window as unknown as { harness: PageHarness };
				harness.clear();
				const since = performance.now();
				const result = await harness.client.generate(
					messages,
					{ temperature: 0, repetitionPenalty: 1, maxTokens },
					(event) => harness.show(event.text)
				);
				// Long-task entries arrive after the task ends; give the observer a frame to report.
				await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
				return { stats: result.stats, longestTaskMs: harness.longestTaskMs(since) };
			},
			{ messages, maxTokens }
		);
		return {
			ttftMs: stats.timeToFirstTokenMs,
			decodeTokensPerSecond: stats.decodeTokensPerSecond,
			completionTokens: stats.completionTokens,
			promptTokens: stats.promptTokens,
			longestTaskMs
		};
	};
	return { info, sample };
}

/** The same greedy loop in onnxruntime-node, timed the way the worker times itself. */
async function nativeSide(harness: Harness, threads: number) {
	const chat = new ChatFormat(
		JSON.parse(readFileSync(join(harness.modelDir, 'tokenizer.json'), 'utf8')),
		JSON.parse(readFileSync(join(harness.modelDir, 'tokenizer_config.json'), 'utf8')),
		['tools']
	);
	const decoder = await OnnxDecoder.load(harness.modelDir, variant, threads);
	const vocab = decoder.config.vocabSize;
	const prompt = chat.promptIds(messages);
	/** Generates exactly `tokens` tokens, as many as the browser did. */
	const sample = async (tokens: number): Promise<Sample> => {
		const started = performance.now();
		let { logits, present } = await decoder.forward([prompt]);
		let next = argmax(logits.subarray(logits.length - vocab));
		const firstTokenAt = performance.now();
		for (let i = 1; i < tokens; i++) {
			({ logits, present } = await decoder.forward([[next]], present));
			next = argmax(logits);
		}
		const finished = performance.now();
		return {
			ttftMs: firstTokenAt - started,
			decodeTokensPerSecond: tokens > 1 ? (tokens - 1) / ((finished - firstTokenAt) / 1000) : 0,
			completionTokens: tokens
		};
	};
	return { sample, release: () => decoder.release() };
}

async function main() {
	const harness = await startHarness();
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		args: chromiumArgs
	});
	try {
		// A page per configuration: a runtime's device and thread count are fixed when it starts.
		const browsers: Awaited<ReturnType<typeof browserSide>>[] = [];
		for (const { device, threads } of configurations) {
			browsers.push(await browserSide(await browser.newPage(), harness, device, threads));
		}
		const natives = new Map<number, Awaited<ReturnType<typeof nativeSide>>>();
		for (const { info } of browsers) {
			const threads = info.threads ?? Math.max(...browsers.map((b) => b.info.threads ?? 1));
			if (!natives.has(threads)) natives.set(threads, await nativeSide(harness, threads));
		}
		const nativeFor = (info: LoadedModel) =>
			info.threads ?? Math.max(...browsers.map((b) => b.info.threads ?? 1));

		// Warm-up: shader compilation, first allocations, and how many tokens the reply has.
		const warm = await Promise.all(browsers.map((b) => b.sample()));
		const tokens = warm[0].completionTokens;
		for (const native of natives.values()) await native.sample(tokens);

		const measured = browsers.map(() => ({
			browser: [] as Sample[],
			native: [] as Sample[],
			decodeRatio: [] as number[],
			ttftRatio: [] as number[],
			longestTaskMs: 0
		}));
		for (let round = 0; round < rounds; round++) {
			for (const [i, side] of browsers.entries()) {
				const browserSample = await side.sample();
				const nativeSample = await natives.get(nativeFor(side.info))!.sample(tokens);
				const m = measured[i];
				m.browser.push(browserSample);
				m.native.push(nativeSample);
				m.decodeRatio.push(
					browserSample.decodeTokensPerSecond / nativeSample.decodeTokensPerSecond
				);
				m.ttftRatio.push(browserSample.ttftMs / nativeSample.ttftMs);
				m.longestTaskMs = Math.max(m.longestTaskMs, browserSample.longestTaskMs);
			}
		}

		const model = harness.modelDir === pipelineModelDir ? 'pipeline ci model' : 'random test model';
		console.log(
			`\nmodel: ${record.model_file} (${model}), prompt ${warm[0].promptTokens} tokens, ` +
				`${tokens} generated greedily, ${rounds} rounds after a warm-up, medians`
		);
		console.log(
			'native: onnxruntime-node on the same files, same thread count (WebGPU: the most threads), ' +
				'sampled right after each browser sample\n'
		);
		const row = (cells: string[]) =>
			console.log(cells.map((c, i) => c.padEnd(i === 0 ? 24 : 13)).join(''));
		row([
			'',
			'TTFT ms',
			'native ms',
			'TTFT ÷',
			'decode tok/s',
			'native tok/s',
			'decode ÷',
			'longest task'
		]);
		for (const [i, { info }] of browsers.entries()) {
			const m = measured[i];
			row([
				`${info.device}${info.threads ? ` (${info.threads} thread${info.threads > 1 ? 's' : ''})` : ''}`,
				median(m.browser.map((s) => s.ttftMs)).toFixed(1),
				median(m.native.map((s) => s.ttftMs)).toFixed(1),
				median(m.ttftRatio).toFixed(2),
				median(m.browser.map((s) => s.decodeTokensPerSecond)).toFixed(0),
				median(m.native.map((s) => s.decodeTokensPerSecond)).toFixed(0),
				median(m.decodeRatio).toFixed(2),
				`${m.longestTaskMs.toFixed(0)} ms`
			]);
		}
		console.log(
			'\ndecode ÷: browser decode speed as a share of native (goal ≥ 0.5 on WASM); ' +
				'TTFT ÷: how many times longer the first token takes than native; ' +
				'longest task: longest main-thread task while streaming, any round (0 = none over 50 ms; goal < 50 ms)'
		);
		for (const native of natives.values()) await native.release();
	} finally {
		await browser.close();
		await harness.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

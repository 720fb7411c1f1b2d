// Decode speed and time to first token of the inference worker in headless Chromium, on
// WebAssembly (threads on) and on WebGPU, against onnxruntime-node running the same model files
// with the same thread count in the same run; and the longest main-thread task while tokens
// stream into the page. Figures, not pass/fail.
//
//   npx tsx bench/inference.ts [--variant q4|fp32] [--runs 3] [--tokens 128]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { pipelineModelDir, startHarness, type Harness } from './inference-page/fixture';
import type { Harness as PageHarness } from './inference-page/main';
import { OnnxDecoder, argmax } from '../training/build/onnx-decoder';
import { ChatFormat } from '../training/datasets/chat-format';
import {
	onnxVariantFiles,
	parseModelRecord,
	type OnnxModelRecord
} from '../src/lib/protocol/model-record';
import type { ChatMessage, GenerationStats, OnnxDevice } from '../src/lib/protocol/inference';

const { values: options } = parseArgs({
	options: {
		variant: { type: 'string', default: 'q4' },
		runs: { type: 'string', default: '3' },
		tokens: { type: 'string', default: '128' }
	}
});
const variant = options.variant === 'fp32' ? 'fp32' : 'q4';
const runCount = Number(options.runs);
const maxTokens = Number(options.tokens);
const recordFile = variant === 'q4' ? 'hearth-demo.json' : 'hearth-demo-fp32.json';
const record = parseModelRecord(
	JSON.parse(readFileSync(join('model-configs', recordFile), 'utf8')),
	recordFile
) as OnnxModelRecord;
const messages: ChatMessage[] = [
	{ role: 'user', content: 'Tell me a story about a lighthouse keeper.' }
];

interface Figures {
	ttftMs: number;
	decodeTokensPerSecond: number;
	completionTokens: number;
	longestTaskMs?: number;
}

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function summarise(samples: Figures[]): Figures {
	return {
		ttftMs: median(samples.map((s) => s.ttftMs)),
		decodeTokensPerSecond: median(samples.map((s) => s.decodeTokensPerSecond)),
		completionTokens: samples[0].completionTokens,
		longestTaskMs:
			samples[0].longestTaskMs === undefined
				? undefined
				: Math.max(...samples.map((s) => s.longestTaskMs!))
	};
}

async function browserRun(page: Page, harness: Harness, device: OnnxDevice) {
	const paths = onnxVariantFiles(record.model_file, harness.modelPaths);
	const info = await page.evaluate(
		async ({ record, base, paths, device }) => {
			const { harness } = window as unknown as { harness: PageHarness };
			return harness.client.load(record, await harness.fetchFiles(base, paths), () => {}, {
				device
			});
		},
		{ record, base: harness.modelBase, paths, device }
	);
	const generateOnce = () =>
		page.evaluate(
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
	await generateOnce(); // warm-up: shader compilation, first allocations
	const samples: Figures[] = [];
	let stats: GenerationStats | null = null;
	for (let i = 0; i < runCount; i++) {
		const run = await generateOnce();
		stats = run.stats;
		samples.push({
			ttftMs: run.stats.timeToFirstTokenMs,
			decodeTokensPerSecond: run.stats.decodeTokensPerSecond,
			completionTokens: run.stats.completionTokens,
			longestTaskMs: run.longestTaskMs
		});
	}
	return { info, figures: summarise(samples), promptTokens: stats!.promptTokens };
}

/** The same greedy loop in onnxruntime-node, timed the way the worker times itself, for `tokens` tokens. */
async function nodeRun(harness: Harness, threads: number, tokens: number): Promise<Figures> {
	const chat = new ChatFormat(
		JSON.parse(readFileSync(join(harness.modelDir, 'tokenizer.json'), 'utf8')),
		JSON.parse(readFileSync(join(harness.modelDir, 'tokenizer_config.json'), 'utf8')),
		['tools']
	);
	const decoder = await OnnxDecoder.load(harness.modelDir, variant, threads);
	const vocab = decoder.config.vocabSize;
	const prompt = chat.promptIds(messages);
	const once = async (): Promise<Figures> => {
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
	await once();
	const samples: Figures[] = [];
	for (let i = 0; i < runCount; i++) samples.push(await once());
	await decoder.release();
	return summarise(samples);
}

async function main() {
	const harness = await startHarness();
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: [
			'--enable-unsafe-webgpu',
			'--no-sandbox',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-quic',
			'--no-first-run'
		]
	});
	try {
		const results: { name: string; figures: Figures; threads: number | null }[] = [];
		let promptTokens = 0;
		const configurations: { device: OnnxDevice; threads?: number }[] = [
			{ device: 'wasm', threads: 1 },
			{ device: 'wasm', threads: 4 },
			{ device: 'webgpu' }
		];
		for (const { device, threads } of configurations) {
			// A fresh page per configuration: a runtime's device and threads are fixed when it starts.
			const page = await browser.newPage();
			await page.goto(harness.url + '/');
			await page.waitForFunction(() => 'harness' in window);
			const run = await browserRun(page, harness, device, threads);
			promptTokens = run.promptTokens;
			results.push({ name: `browser ${device}`, figures: run.figures, threads: run.info.threads });
			await page.close();
		}
		const tokens = results[0].figures.completionTokens;
		const threadCounts = [...new Set(results.map((r) => r.threads ?? 1))];
		const node = new Map<number, Figures>();
		for (const threads of threadCounts) node.set(threads, await nodeRun(harness, threads, tokens));
		const most = Math.max(...threadCounts);

		const model = harness.modelDir === pipelineModelDir ? 'pipeline ci model' : 'random test model';
		console.log(
			`\nmodel: ${record.model_file} (${model}), prompt ${promptTokens} tokens, ` +
				`${tokens} generated greedily, median of ${runCount} runs after a warm-up`
		);
		console.log(
			'each browser row is compared with onnxruntime-node on the same files and thread count'
		);
		console.log('(WebGPU with the most threads), measured in this run\n');
		const row = (cells: string[]) =>
			console.log(cells.map((c, i) => c.padEnd(i === 0 ? 28 : 14)).join(''));
		row(['', 'TTFT ms', 'decode tok/s', 'decode ÷ node', 'TTFT ÷ node', 'longest task']);
		for (const [threads, figures] of node) {
			row([
				`onnxruntime-node (${threads} thr)`,
				figures.ttftMs.toFixed(1),
				figures.decodeTokensPerSecond.toFixed(1),
				'',
				'',
				''
			]);
		}
		for (const { name, figures, threads } of results) {
			const baseline = node.get(threads ?? most)!;
			row([
				`${name}${threads ? ` (${threads} thr)` : ''}`,
				figures.ttftMs.toFixed(1),
				figures.decodeTokensPerSecond.toFixed(1),
				(figures.decodeTokensPerSecond / baseline.decodeTokensPerSecond).toFixed(2),
				(figures.ttftMs / baseline.ttftMs).toFixed(2),
				`${figures.longestTaskMs!.toFixed(0)} ms`
			]);
		}
		console.log(
			'\ndecode ÷ node: browser decode speed as a share of native (goal ≥ 0.5 on WASM); ' +
				'TTFT ÷ node: how many times longer the first token takes; ' +
				'longest task: longest main-thread task while streaming (0 = none over 50 ms; goal < 50 ms)'
		);
	} finally {
		await browser.close();
		await harness.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

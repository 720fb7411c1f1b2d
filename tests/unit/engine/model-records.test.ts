import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { modelRecordProblems, modelRecords } from '$lib/engine/model-records';
import {
	ModelRecordError,
	onnxVariantFiles,
	parseModelRecord,
	parseModelRecords
} from '$lib/protocol/model-record';
import { webllmAppConfig } from '$workers/backends/webllm-config';

const folder = 'model-configs';
const shipped = Object.fromEntries(
	readdirSync(folder).map((name) => [name, JSON.parse(readFileSync(`${folder}/${name}`, 'utf8'))])
);
const smollm = shipped['smollm2-360m-instruct-q4f16_1.json'];

function problemsOf(value: unknown, file = 'x.json'): string[] {
	try {
		parseModelRecord(value, file);
	} catch (error) {
		if (error instanceof ModelRecordError) return error.problems;
		throw error;
	}
	return [];
}

describe('model-configs/', () => {
	it('every shipped record is valid, and the app sees all of them', () => {
		expect(modelRecordProblems).toEqual([]);
		expect(modelRecords.map((r) => `${r.id}.json`).sort()).toEqual(Object.keys(shipped).sort());
	});

	it('has the demo model and real models for every kind of device', () => {
		const byId = new Map(modelRecords.map((r) => [r.id, r]));
		expect(byId.get('hearth-demo')).toMatchObject({
			runtime: 'onnx',
			source: 'registry:hearth-demo'
		});
		const webllm = modelRecords.filter((r) => r.runtime === 'webllm').map((r) => r.quantization);
		expect(webllm.filter((q) => q === 'q4f16_1')).toHaveLength(3);
		expect(webllm.filter((q) => q === 'q4f32_1')).toHaveLength(2);
		expect(byId.get('qwen2.5-0.5b-instruct-onnx-q4')).toMatchObject({
			runtime: 'onnx',
			quantization: 'q4'
		});
	});

	it("web-llm records point at the weights and model library of the installed web-llm's prebuilt list", () => {
		for (const record of modelRecords) {
			if (record.runtime !== 'webllm') continue;
			const prebuilt = prebuiltAppConfig.model_list.find((m) => m.model === record.source);
			expect(prebuilt, record.id).toBeDefined();
			const [ours] = webllmAppConfig(record).model_list;
			expect(ours.model_lib).toBe(prebuilt!.model_lib);
			expect(ours.vram_required_MB).toBe(prebuilt!.vram_required_MB);
			expect(ours.overrides?.context_window_size).toBe(record.context_window);
		}
	});
});

describe('parseModelRecord', () => {
	it('names the file and the field of each problem', () => {
		const bad = { ...smollm, model_lib: 'not a url', vram_required_MB: -1 };
		expect(() => parseModelRecord(bad, 'smollm.json')).toThrow(
			/^smollm\.json: vram_required_MB: .*; model_lib: must be an absolute http\(s\) URL$/
		);
	});

	it('refuses an unknown runtime and says which runtimes exist', () => {
		const [problem] = problemsOf({ ...smollm, runtime: 'gguf' });
		expect(problem).toMatch(/^runtime: .*'webllm' \| 'onnx'/);
	});

	it('refuses a relative web-llm URL (web-llm ≥ 0.2.80 needs absolute ones)', () => {
		expect(problemsOf({ ...smollm, source: 'models/smollm' })).toEqual([
			'source: must be an absolute http(s) URL'
		]);
	});

	it('refuses a q4f16 model that does not require shader-f16', () => {
		expect(problemsOf({ ...smollm, required_features: [] })).toEqual([
			'required_features: a q4f16_1 model must require "shader-f16"'
		]);
	});

	it('needs a file list for an ONNX model served from a URL, including its graph', () => {
		const qwen = shipped['qwen2.5-0.5b-instruct-onnx-q4.json'];
		const { files: _files, ...withoutFiles } = qwen;
		expect(problemsOf(withoutFiles)).toEqual([
			'files: a model served from a URL must list its files'
		]);
		expect(problemsOf({ ...qwen, files: [{ path: 'config.json', size: 1 }] })).toEqual([
			'files: must include model_file onnx/model_q4.onnx'
		]);
	});

	it('checks a registry source and a manifest digest', () => {
		const demo = shipped['hearth-demo.json'];
		expect(problemsOf({ ...demo, source: 'registry:Bad Name' })[0]).toMatch(/^source: /);
		expect(problemsOf({ ...demo, manifest_digest: 'abc' })).toEqual([
			'manifest_digest: must be `sha256:` and 64 hex digits'
		]);
	});
});

describe('parseModelRecords', () => {
	it('keeps the good records and reports every bad file by name', () => {
		const { records, problems } = parseModelRecords({
			'/model-configs/smollm2-360m-instruct-q4f16_1.json': smollm,
			'/model-configs/broken.json': { ...smollm, id: 'broken', name: '' },
			'/model-configs/renamed.json': smollm
		});
		expect(records.map((r) => r.id)).toEqual(['smollm2-360m-instruct-q4f16_1']);
		expect(problems).toEqual([
			expect.stringMatching(/^broken\.json: name: /),
			'renamed.json: id: "smollm2-360m-instruct-q4f16_1" must match the file name (smollm2-360m-instruct-q4f16_1.json)'
		]);
	});
});

describe('onnxVariantFiles', () => {
	const layout = [
		'config.json',
		'generation_config.json',
		'tokenizer.json',
		'tokenizer_config.json',
		'onnx/model.onnx',
		'onnx/model.onnx.embed.data',
		'onnx/model.onnx.layer.0.data',
		'onnx/model_q4.onnx',
		'onnx/model_q4.onnx.embed.data',
		'onnx/model_q4.onnx.layer.0.data',
		'onnx/model_fp16.onnx',
		'onnx/model_fp16.onnx_data',
		'README.md'
	];

	it("picks the graph's own external data and the support files, nothing of the other variants", () => {
		expect(onnxVariantFiles('onnx/model_q4.onnx', layout)).toEqual([
			'config.json',
			'generation_config.json',
			'tokenizer.json',
			'tokenizer_config.json',
			'onnx/model_q4.onnx',
			'onnx/model_q4.onnx.embed.data',
			'onnx/model_q4.onnx.layer.0.data'
		]);
		expect(onnxVariantFiles('onnx/model.onnx', layout)).not.toContain('onnx/model_q4.onnx');
		expect(onnxVariantFiles('onnx/model_fp16.onnx', layout)).toContain('onnx/model_fp16.onnx_data');
	});
});

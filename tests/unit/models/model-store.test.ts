import { describe, expect, it } from 'vitest';
import { ModelStore, MODEL_CACHE } from '$lib/models/model-store';
import { planFromManifest, planFromRecord } from '$lib/models/plan';
import type { OnnxModelRecord, WebllmModelRecord } from '$lib/protocol/model-record';
import { openTestStorage } from '../db/open-test-storage';
import { FakeServer, MemoryCache, MemoryCacheStorage, sha256 } from './fakes';

const registry = new URL('https://hearth.test/registry/');

const q4: OnnxModelRecord = {
	id: 'demo-q4',
	name: 'Demo (q4)',
	description: 'd',
	runtime: 'onnx',
	source: 'registry:demo',
	model_file: 'onnx/model_q4.onnx',
	quantization: 'q4',
	parameters: 1,
	download_size_MB: 1,
	vram_required_MB: 1,
	required_features: [],
	context_window: 256,
	license: 'MIT',
	low_resource: true
};
const fp32: OnnxModelRecord = { ...q4, id: 'demo-fp32', model_file: 'onnx/model.onnx' };

/** Publishes a version: path → content; returns its manifest. */
function publish(server: FakeServer, files: Record<string, string>) {
	return {
		files: Object.entries(files).map(([path, content]) => {
			const hex = sha256(content);
			server.serve(new URL(`blobs/sha256/${hex}`, registry).href, content);
			return { path, sha256: hex, size: new TextEncoder().encode(content).byteLength };
		})
	};
}

const v1Files = {
	'config.json': '{"v":1}',
	'generation_config.json': '{}',
	'tokenizer.json': '{"tok":1}',
	'tokenizer_config.json': '{"tpl":1}',
	'onnx/model_q4.onnx': 'graph-q4',
	'onnx/model_q4.onnx.layer.0.data': 'q4-layer-0-v1',
	'onnx/model_q4.onnx.layer.1.data': 'q4-layer-1-v1',
	'onnx/model.onnx': 'graph-fp32',
	'onnx/model.onnx.layer.0.data': 'fp32-layer-0-v1'
};

function setup() {
	const { storage } = openTestStorage();
	const server = new FakeServer();
	const caches = new MemoryCacheStorage();
	const store = new ModelStore({
		caches,
		installs: storage.modelInstalls,
		blobs: storage.modelBlobs,
		fetch: server.fetch
	});
	const cache = () => caches.caches.get(MODEL_CACHE) as MemoryCache;
	return { storage, server, caches, store, cache };
}

async function text(blob: Blob | string): Promise<string> {
	return typeof blob === 'string' ? blob : blob.text();
}

describe('planFromManifest', () => {
	it('takes only the variant’s graph, its external data and the support files', () => {
		const server = new FakeServer();
		const plan = planFromManifest(q4, publish(server, v1Files), registry);
		expect(plan.map((f) => f.path)).toEqual([
			'config.json',
			'generation_config.json',
			'tokenizer.json',
			'tokenizer_config.json',
			'onnx/model_q4.onnx',
			'onnx/model_q4.onnx.layer.0.data',
			'onnx/model_q4.onnx.layer.1.data'
		]);
		expect(plan[0].url).toBe(`https://hearth.test/registry/blobs/sha256/${sha256('{"v":1}')}`);
	});
	it('says so when the manifest lacks the record’s graph', () => {
		expect(() =>
			planFromManifest({ ...q4, model_file: 'onnx/model_q8.onnx' }, { files: [] }, registry)
		).toThrow('has no onnx/model_q8.onnx');
	});
	it('resolves a third-party record’s files against its base URL', () => {
		const plan = planFromRecord({
			...q4,
			source: 'https://hub.example/org/model/resolve/main',
			files: [{ path: 'onnx/model_q4.onnx', size: 5 }]
		});
		expect(plan).toEqual([
			{
				path: 'onnx/model_q4.onnx',
				url: 'https://hub.example/org/model/resolve/main/onnx/model_q4.onnx',
				size: 5,
				sha256: null
			}
		]);
	});
});

describe('ModelStore', () => {
	it('installs a version, indexes its blobs and hands the engine verified files', async () => {
		const { storage, server, store } = setup();
		const plan = planFromManifest(q4, publish(server, v1Files), registry);
		await store.install(q4.id, 1, plan);

		const files = await store.files(q4.id);
		expect(Object.keys(files).sort()).toEqual(plan.map((f) => f.path).sort());
		expect(await text(files['onnx/model_q4.onnx.layer.1.data'])).toBe('q4-layer-1-v1');
		expect((await storage.modelBlobs.ofModel(q4.id)).map((b) => b.path).sort()).toEqual(
			plan.map((f) => f.path).sort()
		);
		expect(await store.state(q4.id)).toMatchObject({
			current: { version: 1, complete: true },
			pending: null
		});
	});

	it('resumes an interrupted download at the first missing file', async () => {
		const { server, store } = setup();
		const plan = planFromManifest(q4, publish(server, v1Files), registry);
		server.dropAfter = 3;
		await expect(store.install(q4.id, 1, plan)).rejects.toMatchObject({ kind: 'unreachable' });
		expect(await store.state(q4.id)).toMatchObject({
			current: null,
			pending: { version: 1, complete: false }
		});
		await expect(store.files(q4.id)).rejects.toThrow('not downloaded yet');

		server.dropAfter = Infinity;
		server.requests.length = 0;
		const summary = await store.install(q4.id, 1, plan);
		expect(server.requests).toEqual(plan.slice(3).map((f) => f.url));
		expect(summary).toMatchObject({ reusedFiles: 3, fetchedFiles: plan.length - 3 });
	});

	it('updates by fetching only changed files, then drops the old version’s own files', async () => {
		const { storage, server, store, cache } = setup();
		const v1 = planFromManifest(q4, publish(server, v1Files), registry);
		await store.install(q4.id, 1, v1);
		// Version 2 retrains layer 1 only (layer 0 frozen): one new weight blob and a new config.
		const v2 = planFromManifest(
			q4,
			publish(server, {
				...v1Files,
				'config.json': '{"v":2}',
				'onnx/model_q4.onnx.layer.1.data': 'q4-layer-1-v2'
			}),
			registry
		);
		server.requests.length = 0;
		const summary = await store.install(q4.id, 2, v2);

		expect(summary).toMatchObject({ fetchedFiles: 2, reusedFiles: 5 });
		expect(server.requests.sort()).toEqual(
			[v2[0].url, v2.find((f) => f.path.endsWith('layer.1.data'))!.url].sort()
		);
		const oldLayer = v1.find((f) => f.path.endsWith('layer.1.data'))!;
		expect(cache().entries.has(oldLayer.url)).toBe(false);
		expect(await storage.modelBlobs.get(oldLayer.sha256!)).toBeUndefined();
		expect(cache().entries.size).toBe(7);
		expect(await text((await store.files(q4.id))['config.json'])).toBe('{"v":2}');
	});

	it('removes a model but keeps the files another model still uses', async () => {
		const { server, store, cache } = setup();
		const manifest = publish(server, v1Files);
		await store.install(q4.id, 1, planFromManifest(q4, manifest, registry));
		await store.install(fp32.id, 1, planFromManifest(fp32, manifest, registry));
		expect(cache().entries.size).toBe(9);

		await store.remove(q4.id);
		expect(await store.state(q4.id)).toEqual({ current: null, pending: null });
		// The support files are shared with the fp32 variant; the q4 graph and weights go.
		expect(cache().entries.size).toBe(6);
		expect(Object.keys(await store.files(fp32.id))).toHaveLength(6);
		expect((await store.bytesByModel()).has(q4.id)).toBe(false);
	});

	it('reports files the browser evicted instead of loading an incomplete model', async () => {
		const { server, store, cache } = setup();
		const plan = planFromManifest(q4, publish(server, v1Files), registry);
		await store.install(q4.id, 1, plan);
		cache().entries.delete(plan[2].url);
		await expect(store.files(q4.id)).rejects.toThrow(
			"1 of the model's files are no longer stored on this device (tokenizer.json)"
		);
		server.requests.length = 0;
		await store.install(q4.id, 1, plan);
		expect(server.requests).toEqual([plan[2].url]);
	});

	it('counts the bytes each model holds', async () => {
		const { server, store } = setup();
		const plan = planFromManifest(q4, publish(server, v1Files), registry);
		await store.install(q4.id, 1, plan);
		expect((await store.bytesByModel()).get(q4.id)).toBe(plan.reduce((s, f) => s + f.size, 0));
	});

	it('deletes a web-llm model from web-llm’s caches only', async () => {
		const { caches, store } = setup();
		const record = {
			id: 'w',
			runtime: 'webllm',
			source: 'https://hub.example/mlc/Model-A',
			model_lib: 'https://libs.example/a.wasm'
		} as WebllmModelRecord;
		const weights = await caches.open('webllm/model');
		await weights.put(
			'https://hub.example/mlc/Model-A/resolve/main/params_shard_0.bin',
			new Response('w')
		);
		await weights.put(
			'https://hub.example/mlc/Model-B/resolve/main/params_shard_0.bin',
			new Response('w')
		);
		await (await caches.open('webllm/wasm')).put(record.model_lib, new Response('lib'));
		await store.markInstalled(record.id);

		await store.remove(record.id, record);
		expect((await weights.keys()).map((r) => r.url)).toEqual([
			'https://hub.example/mlc/Model-B/resolve/main/params_shard_0.bin'
		]);
		expect(await (await caches.open('webllm/wasm')).keys()).toEqual([]);
		expect(await store.state(record.id)).toEqual({ current: null, pending: null });
	});
});

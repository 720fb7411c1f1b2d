// Client compilation (jsdom) so the manager's runes behave as in the browser.
// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { installKind } from '$lib/models/format';
import { ModelManager, type ModelEngine } from '$lib/models/model-manager.svelte';
import { ModelStore } from '$lib/models/model-store';
import { RegistryClient } from '$lib/models/registry-client';
import { offerSentence } from '$lib/models/version-notes';
import type { DeviceProbe, LoadedModel, ModelFiles } from '$lib/protocol/inference';
import type { ModelRecord, OnnxModelRecord } from '$lib/protocol/model-record';
import { openTestStorage } from '../db/open-test-storage';
import { FakeServer, MemoryCacheStorage, sha256 } from './fakes';

const base = new URL('https://hearth.test/registry/');

const demo: OnnxModelRecord = {
	id: 'demo',
	name: 'Demo',
	description: 'tiny',
	runtime: 'onnx',
	source: 'registry:demo',
	model_file: 'onnx/model_q4.onnx',
	quantization: 'q4',
	parameters: 1000,
	download_size_MB: 0.001,
	vram_required_MB: 16,
	required_features: [],
	context_window: 256,
	license: 'MIT',
	low_resource: true
};
const offline: OnnxModelRecord = {
	...demo,
	id: 'far',
	name: 'Far away',
	source: 'https://unreachable.example/model/resolve/main',
	parameters: 10,
	files: [{ path: 'onnx/model_q4.onnx', size: 3 }]
};

const probe: DeviceProbe = {
	gpu: null,
	gpuUnavailableReason: 'no adapter',
	deviceMemoryGB: 8,
	hardwareConcurrency: 2,
	crossOriginIsolated: true,
	wasmThreads: true
};

class FakeEngine implements ModelEngine {
	loads: { id: string; files: ModelFiles; device: string | undefined }[] = [];
	unloads = 0;
	/** Records whose start fails, as a graph the runtime refuses would. */
	broken = new Set<string>();
	async probe() {
		return probe;
	}
	async load(
		record: ModelRecord,
		files: ModelFiles,
		onProgress: (p: { text: string; fraction: number | null }) => void,
		options: { device?: 'webgpu' | 'wasm' } = {}
	): Promise<LoadedModel> {
		onProgress({ text: 'Creating the session', fraction: null });
		if (this.broken.has(record.id)) throw new Error('the graph is not valid');
		this.loads.push({ id: record.id, files, device: options.device });
		return {
			modelId: record.id,
			runtime: record.runtime,
			device: options.device ?? 'wasm',
			threads: 2,
			contextWindow: 256,
			toolUse: null,
			loadMs: 1
		};
	}
	async unload() {
		this.unloads++;
	}
	async generate(): Promise<never> {
		throw new Error('not used here');
	}
	async interrupt() {
		return null;
	}
}

function publish(
	server: FakeServer,
	version: number,
	files: Record<string, string>,
	parent: number | null,
	skills?: { name: string; example: string; exact_match: number | null }[],
	evaluation: Record<string, unknown> = {}
) {
	const manifest = {
		...(skills ? { skills } : {}),
		schema: 1,
		model: 'demo',
		version,
		parent,
		created_at: '2026-01-01T00:00:00Z',
		data_digest: '0'.repeat(64),
		evaluation: { greedy: [], ...evaluation },
		files: Object.entries(files).map(([path, content]) => {
			const hex = sha256(content);
			server.serve(new URL(`blobs/sha256/${hex}`, base).href, content);
			return { path, sha256: hex, size: content.length };
		})
	};
	server.serve(new URL(`demo/versions/${version}.json`, base).href, manifest);
	server.serve(new URL('demo/index.json', base).href, {
		model: 'demo',
		latest: version,
		versions: Array.from({ length: version }, (_, i) => i + 1)
	});
}

const v1 = {
	'config.json': '{"m":1}',
	'generation_config.json': '{}',
	'tokenizer.json': '{"t":1}',
	'tokenizer_config.json': '{"c":1}',
	'onnx/model_q4.onnx': 'graph',
	'onnx/model_q4.onnx.layer.0.data': 'layer-0',
	'onnx/model_q4.onnx.layer.1.data': 'layer-1'
};

const v2 = { ...v1, 'onnx/model_q4.onnx.layer.1.data': 'layer-1-retrained' };

const blobFile = (content: string) => ({
	path: 'x',
	url: new URL(`blobs/sha256/${sha256(content)}`, base).href,
	size: content.length,
	sha256: sha256(content)
});

async function setup(records: ModelRecord[] = [demo, offline]) {
	const { storage } = openTestStorage();
	const server = new FakeServer();
	publish(server, 1, v1, null);
	const engine = new FakeEngine();
	const store = new ModelStore({
		caches: new MemoryCacheStorage(),
		installs: storage.modelInstalls,
		blobs: storage.modelBlobs,
		fetch: server.fetch
	});
	const estimate = {
		estimate: async () => ({ usage: 100, quota: 1000 }),
		persisted: async () => false
	};
	const manager = new ModelManager(
		records,
		engine,
		store,
		new RegistryClient(base, server.fetch),
		storage.settings,
		estimate as unknown as StorageManager
	);
	await manager.init();
	await manager.checkUpdates();
	return { storage, server, engine, store, manager };
}

describe('ModelManager', () => {
	it('probes the device and explains its choice', async () => {
		const { manager } = await setup();
		expect(manager.choice?.record?.id).toBe('demo');
		expect(manager.choice?.reason).toContain('no WebGPU');
		expect(manager.fit('demo')?.fits).toBe(true);
		expect(manager.storageReport).toEqual({ usage: 100, quota: 1000, persisted: false });
	});

	it('downloads the chosen model on first use, then loads it with its verified files', async () => {
		const { engine, manager } = await setup();
		const progress: string[] = [];
		expect(await manager.ready((p) => progress.push(p.text))).toBe('demo');
		expect(progress[0]).toMatch(/^Downloading Demo: /);
		expect(progress.at(-1)).toBe('Creating the session');
		expect(engine.loads).toHaveLength(1);
		expect(engine.loads[0].device).toBe('wasm');
		expect(Object.keys(engine.loads[0].files).sort()).toEqual(Object.keys(v1).sort());
		expect(await (engine.loads[0].files['onnx/model_q4.onnx.layer.1.data'] as Blob).text()).toBe(
			'layer-1'
		);
		expect(manager.status('demo').install.current).toMatchObject({ version: 1, complete: true });
		expect(await manager.versionOf('demo')).toBe(1);
		expect(manager.status('demo').bytes).toBe(Object.values(v1).join('').length);

		await manager.ready(() => {});
		expect(engine.loads).toHaveLength(1);
	});

	it('shows an update when a new version is published and fetches only what changed', async () => {
		const { server, engine, manager } = await setup();
		await manager.ready(() => {});
		publish(server, 2, v2, 1);
		await manager.checkUpdates();
		expect(manager.updateAvailable('demo')).toBe(true);

		server.requests.length = 0;
		await manager.download('demo');
		const blobsFetched = server.requests.filter((u) => u.includes('/blobs/'));
		expect(blobsFetched).toEqual([
			new URL(`blobs/sha256/${sha256('layer-1-retrained')}`, base).href
		]);
		expect(manager.updateAvailable('demo')).toBe(false);
		// Switched to once version 2 had loaded: the worker now runs its files.
		expect(manager.status('demo').install).toMatchObject({
			current: { version: 2 },
			pending: null
		});
		expect(engine.loads).toHaveLength(2);
		expect(await (engine.loads[1].files['onnx/model_q4.onnx.layer.1.data'] as Blob).text()).toBe(
			'layer-1-retrained'
		);
		await manager.ready(() => {});
		expect(engine.loads).toHaveLength(2);
		// Replies from now on are version 2's.
		expect(await manager.versionOf('demo')).toBe(2);
	});

	it('offers a new version with its figures against the held one and what it would download', async () => {
		const { server, manager } = await setup();
		publish(server, 1, v1, null, undefined, { 'onnx.q4.exact_match': 0.5 });
		await manager.ready(() => {});
		expect(manager.offers).toEqual([]);
		publish(server, 2, v2, 1, undefined, {
			'onnx.q4.exact_match': 0.52,
			gate: {
				parent: { model: 'demo', version: 1 },
				passed: true,
				checks: [
					{ figure: 'onnx.q4.exact_match', parent: 0.44, child: 0.52 },
					{ figure: 'onnx.q4.exact_match.community', parent: 0.1, child: 0.6 },
					{ figure: 'onnx.q4.exact_match.addition', parent: 0.8, child: 0.81 }
				]
			}
		});
		await manager.checkUpdates();
		const [offer] = manager.offers;
		expect(offer).toMatchObject({ recordId: 'demo', from: 1, downloadBytes: 17 });
		// The gate's figure for version 1 (the same held-out questions), not its own report's.
		expect(offerSentence(offer)).toBe(
			'Demo v2 — answers 52 % of the held-out questions (v1: 44 %) — 17 B to download'
		);
		expect(offer.notes.skillChanges).toEqual([{ skill: 'community', before: 0.1, after: 0.6 }]);
		expect(manager.status('demo').versions.map((v) => v.version)).toEqual([2, 1]);
	});

	it('keeps chat on the old version when the update will not start, and does not offer it again', async () => {
		const { server, engine, manager, store } = await setup();
		await manager.ready(() => {});
		publish(server, 2, v2, 1);
		await manager.checkUpdates();
		engine.broken.add('demo');
		await manager.download('demo');
		expect(manager.status('demo').updateError).toMatch(
			/^Version 2 of Demo could not be started \(the graph is not valid\), so it was not switched to; chat stays on version 1\.$/
		);
		expect(manager.status('demo').install).toMatchObject({
			current: { version: 1 },
			pending: null
		});
		// Version 2's own file is gone; version 1's are all there.
		expect(await store.missingBytes([blobFile('layer-1-retrained')])).toBe(17);
		engine.broken.delete('demo');
		await manager.ready(() => {});
		expect(
			await (engine.loads.at(-1)!.files['onnx/model_q4.onnx.layer.1.data'] as Blob).text()
		).toBe('layer-1');
		await manager.checkUpdates();
		expect(manager.offers).toEqual([]);
	});

	it('waits for the reply being written before switching, then switches at the next one', async () => {
		const { server, engine, manager } = await setup();
		await manager.ready(() => {});
		publish(server, 2, v2, 1);
		await manager.checkUpdates();
		let finish!: () => void;
		engine.generate = () =>
			new Promise<never>((_, reject) => (finish = () => reject(new Error('stopped'))));
		const reply = manager.generate([], {}, () => {}).catch(() => {});
		await manager.download('demo');
		expect(manager.status('demo').install).toMatchObject({
			current: { version: 1 },
			pending: { version: 2, complete: true }
		});
		expect(engine.loads).toHaveLength(1);
		finish();
		await reply;
		await manager.ready(() => {});
		expect(engine.loads).toHaveLength(2);
		expect(await manager.versionOf('demo')).toBe(2);
	});

	it('“Not now” withdraws the offer until a later version is published', async () => {
		const { server, manager, storage } = await setup();
		await manager.ready(() => {});
		publish(server, 2, v2, 1);
		await manager.checkUpdates();
		await manager.declineOffer('demo');
		expect(manager.offers).toEqual([]);
		await manager.checkUpdates();
		expect(manager.offers).toEqual([]);
		// The card still says a newer version exists; only the offer went away.
		expect(manager.updateAvailable('demo')).toBe(true);
		expect(await storage.settings.get('models.declined.demo', 0)).toBe(2);
		publish(server, 3, { ...v2, 'onnx/model_q4.onnx.layer.0.data': 'layer-0-again' }, 2);
		await manager.checkUpdates();
		expect(manager.offers.map((o) => o.notes.version)).toEqual([3]);
	});

	it('turns a manifest that fails validation into a readable error and stays usable', async () => {
		const { server, manager } = await setup();
		server.serve(new URL('demo/versions/1.json', base).href, { model: 'demo', version: 1 });
		await expect(manager.download('demo')).rejects.toThrow();
		expect(manager.status('demo').error).toMatch(
			/^the manifest of demo version 1 is invalid: https:\/\/hearth\.test\/registry\/demo\/versions\/1\.json: schema: /
		);
		expect(manager.status('demo').busy).toBe(false);
		await manager.choose('far');
		expect(manager.choice?.record?.id).toBe('far');
	});

	it('says why an unreachable model cannot be downloaded, and chat gets the same message', async () => {
		const { server, manager } = await setup([offline]);
		server.behaviour.set(
			'https://unreachable.example/model/resolve/main/onnx/model_q4.onnx',
			'down'
		);
		await manager.choose('far');
		const error = await manager.ready(() => {}).catch((e) => e);
		expect(error.message).toMatch(/^Could not reach unreachable\.example to download the model/);
		expect(manager.status('far').error).toBe(error.message);
		// Nothing arrived: the card has nothing to resume.
		expect(manager.status('far').install.pending).not.toBeNull();
		expect(installKind(manager.status('far'))).toBe('none');
	});

	describe('a chosen model that fails falls back to the one that last worked', () => {
		const unreachable = async () => {
			const context = await setup();
			context.server.behaviour.set(
				'https://unreachable.example/model/resolve/main/onnx/model_q4.onnx',
				'down'
			);
			return context;
		};

		it('answers the same message with it, says so, and stops trying the failed one', async () => {
			const { engine, manager } = await unreachable();
			expect(await manager.ready(() => {})).toBe('demo');
			expect(manager.lastWorkedId).toBe('demo');
			await manager.choose('far');
			const progress: string[] = [];
			expect(await manager.ready((p) => progress.push(p.text))).toBe('demo');
			expect(progress).toContain('Far away could not be loaded; starting Demo instead');
			expect(manager.choice?.record?.id).toBe('demo');
			expect(manager.choice?.replaces?.id).toBe('far');
			expect(manager.choice?.reason).toMatch(
				/^You chose Far away, but it could not be loaded, so chat uses Demo, the model that last worked here\./
			);
			expect(manager.status('far').failed).toBe(true);
			expect(engine.loads.map((l) => l.id)).toEqual(['demo']);
			// The next message goes straight to the stand-in.
			expect(await manager.ready(() => {})).toBe('demo');
			expect(manager.preferredId).toBe('far');
		});

		it('with nothing that worked yet, the next best stands in', async () => {
			const { manager } = await unreachable();
			await manager.choose('far');
			expect(await manager.ready(() => {})).toBe('demo');
			expect(manager.choice?.replaces?.id).toBe('far');
		});

		it('a model that downloads but will not start falls back too', async () => {
			const { engine, server, manager } = await setup();
			await manager.ready(() => {});
			server.serve('https://unreachable.example/model/resolve/main/onnx/model_q4.onnx', 'abc');
			engine.broken.add('far');
			await manager.choose('far');
			await manager.download('far');
			await manager.ready(() => {}).then((id) => expect(id).toBe('demo'));
			expect(manager.status('far').error).toBe(
				'Far away could not be started: the graph is not valid'
			);
			expect(manager.choice?.replaces?.id).toBe('far');
		});

		it('downloading the failed model again makes it the choice again', async () => {
			const { server, manager } = await unreachable();
			await manager.ready(() => {});
			await manager.choose('far');
			await manager.ready(() => {});
			server.behaviour.delete('https://unreachable.example/model/resolve/main/onnx/model_q4.onnx');
			server.serve('https://unreachable.example/model/resolve/main/onnx/model_q4.onnx', 'abc');
			await manager.download('far');
			expect(manager.choice?.record?.id).toBe('far');
			expect(manager.choice?.replaces).toBeNull();
			expect(await manager.ready(() => {})).toBe('far');
			expect(manager.lastWorkedId).toBe('far');
		});

		it('a paused download is no failure: the choice stays', async () => {
			const { manager } = await setup();
			const downloading = manager.download('demo', (p) => {
				if (p.filesDone === 1) manager.pause('demo');
			});
			await expect(downloading).rejects.toMatchObject({ kind: 'aborted' });
			expect(manager.status('demo').failed).toBe(false);
			expect(installKind(manager.status('demo'))).toBe('partial');
			expect(manager.choice?.record?.id).toBe('demo');
			expect(manager.choice?.replaces).toBeNull();
		});

		it('when the stand-in fails too, the reply says what happened to both', async () => {
			const { engine, manager } = await unreachable();
			await manager.ready(() => {});
			await manager.choose('far');
			await manager.remove('demo');
			engine.broken.add('demo');
			const error = await manager.ready(() => {}).catch((e) => e);
			expect(error.message).toMatch(
				/^Far away could not be loaded: Could not reach unreachable\.example.* Demo, tried instead, could not be loaded either: Demo could not be started: the graph is not valid$/
			);
		});
	});

	it('pauses a download and resumes it where it stopped', async () => {
		const { server, manager } = await setup();
		let paused = false;
		const downloading = manager.download('demo', (p) => {
			if (!paused && p.filesDone === 3) {
				paused = true;
				manager.pause('demo');
			}
		});
		await expect(downloading).rejects.toMatchObject({ kind: 'aborted' });
		expect(manager.status('demo').install.pending).not.toBeNull();
		server.requests.length = 0;
		await manager.download('demo');
		expect(server.requests.filter((u) => u.includes('/blobs/'))).toHaveLength(4);
	});

	it('remembers the user’s pick, device and the model that last worked across a reload', async () => {
		const { storage, engine, manager } = await setup();
		await manager.ready(() => {});
		await manager.choose('far');
		await manager.chooseDevice('wasm');
		const again = new ModelManager(
			[demo, offline],
			engine,
			new ModelStore({
				caches: new MemoryCacheStorage(),
				installs: storage.modelInstalls,
				blobs: storage.modelBlobs
			}),
			new RegistryClient(base, async () => new Response('{}', { status: 404 })),
			storage.settings
		);
		await again.init();
		expect(again.lastWorkedId).toBe('demo');
		expect(again.preferredId).toBe('far');
		expect(again.preferredDevice).toBe('wasm');
		expect(again.choice?.reason).toMatch(/^You chose Far away/);
	});

	it('reads what a model was trained for from the manifest of the version it holds, offline too', async () => {
		const { storage, server, manager } = await setup();
		const v1Skills = [{ name: 'addition', example: 'What is 23 + 45?', exact_match: 1 }];
		publish(server, 1, v1, null, v1Skills);
		expect(await manager.loadSkills('demo')).toEqual(v1Skills);
		await manager.download('demo');
		publish(server, 2, v1, 1, [{ name: 'weekday', example: 'What day is it?', exact_match: 0.5 }]);
		// The model on the device is version 1, so that is what it was trained for.
		expect(await manager.loadSkills('demo')).toEqual(v1Skills);
		expect(manager.skills.demo).toEqual(v1Skills);
		expect(await manager.loadSkills('far')).toEqual([]);

		server.dropAfter = 0;
		const again = new ModelManager(
			[demo, offline],
			new FakeEngine(),
			new ModelStore({
				caches: new MemoryCacheStorage(),
				installs: storage.modelInstalls,
				blobs: storage.modelBlobs
			}),
			new RegistryClient(base, server.fetch),
			storage.settings
		);
		await again.init();
		expect(await again.loadSkills('demo')).toEqual(v1Skills);
	});

	it('deletes a model, unloading it first when it is running', async () => {
		const { engine, manager } = await setup();
		await manager.ready(() => {});
		await manager.remove('demo');
		expect(engine.unloads).toBe(1);
		expect(manager.loaded).toBeNull();
		expect(manager.status('demo').install).toEqual({ current: null, pending: null });
		expect(manager.status('demo').bytes).toBe(0);
	});
});

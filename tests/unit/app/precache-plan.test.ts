import { describe, expect, it } from 'vitest';
import { isCachedOnUse, planPrecache } from '$lib/pwa/precache-plan';

const listing = {
	build: [
		'/_app/immutable/entry/start.A1.js',
		'/_app/immutable/nodes/0.B2.js',
		'/_app/immutable/assets/0.C3.css',
		'/_app/immutable/assets/ort-wasm-simd-threaded.jsep.D4.wasm',
		'/_app/immutable/assets/pdf.min.BjwPyQXB.mjs',
		'/_app/immutable/assets/pdf.worker.min.FHbmGBN0.mjs',
		'/_app/immutable/workers/inference.worker-E5.js',
		'/_app/version.json'
	],
	files: [
		'/manifest.webmanifest',
		'/icons/icon-192.png',
		'/registry/demo/versions/1.json',
		'/demo.onnx'
	],
	version: 'build-7'
};

describe('planPrecache', () => {
	const precached = new Map(
		planPrecache(listing).map((entry) => [typeof entry === 'string' ? entry : entry.url, entry])
	);

	it('precaches the shell under the build version, so each version fetches it anew', () => {
		expect(precached.get('/')).toEqual({ url: '/', revision: 'build-7' });
	});

	it('precaches hashed build files without a revision and static files with the version', () => {
		expect(precached.get('/_app/immutable/entry/start.A1.js')).toEqual({
			url: '/_app/immutable/entry/start.A1.js',
			revision: null
		});
		expect(precached.get('/_app/version.json')).toEqual({
			url: '/_app/version.json',
			revision: null
		});
		expect(precached.get('/icons/icon-192.png')).toEqual({
			url: '/icons/icon-192.png',
			revision: 'build-7'
		});
	});

	it('precaches the inference worker, which every start probes the device with', () => {
		expect(precached.has('/_app/immutable/workers/inference.worker-E5.js')).toBe(true);
	});

	it('leaves WebAssembly runtimes, pdf.js and worker chunks to be cached on first use', () => {
		for (const path of [
			'/_app/immutable/assets/ort-wasm-simd-threaded.jsep.D4.wasm',
			'/_app/immutable/assets/pdf.min.BjwPyQXB.mjs',
			'/_app/immutable/assets/pdf.worker.min.FHbmGBN0.mjs'
		])
			expect(precached.has(path)).toBe(false);
		for (const path of [
			'/_app/immutable/assets/ort-wasm-simd-threaded.jsep.D4.wasm',
			'/_app/immutable/assets/pdf.worker.min.FHbmGBN0.mjs',
			// Never listed by `$service-worker`: only ever cached on use.
			'/_app/immutable/workers/chunks/F6.js'
		])
			expect(isCachedOnUse(path)).toBe(true);
	});

	it('never caches model files or the registry', () => {
		expect(precached.has('/registry/demo/versions/1.json')).toBe(false);
		expect(precached.has('/demo.onnx')).toBe(false);
		expect(isCachedOnUse('/registry/blobs/sha256/ab12')).toBe(false);
		expect(isCachedOnUse('/api/health')).toBe(false);
		expect(precached.size).toBe(1 + 5 + 2);
	});
});

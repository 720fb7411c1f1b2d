import { describe, expect, it } from 'vitest';
import { keepLoadedFiles } from '$lib/pwa/keep-loaded-files';

describe('keepLoadedFiles', () => {
	it('fetches again, once each, the same-origin build files the service worker keeps on use', async () => {
		const fetched: string[] = [];
		const count = await keepLoadedFiles(
			[
				'https://hearth.example/_app/immutable/workers/chunks/onnx-Bx1.js',
				'https://hearth.example/_app/immutable/assets/ort-wasm-simd.wasm',
				'https://hearth.example/_app/immutable/workers/chunks/onnx-Bx1.js',
				// Not kept on use: the API, model blobs, other origins.
				'https://hearth.example/api/health',
				'https://hearth.example/registry/blobs/sha256/ab',
				'https://cdn.example/_app/immutable/x.js'
			],
			'https://hearth.example',
			async (url) => fetched.push(url)
		);
		expect(count).toBe(2);
		expect(fetched).toEqual([
			'https://hearth.example/_app/immutable/workers/chunks/onnx-Bx1.js',
			'https://hearth.example/_app/immutable/assets/ort-wasm-simd.wasm'
		]);
	});

	it('goes on past a file that cannot be fetched', async () => {
		const fetched: string[] = [];
		const count = await keepLoadedFiles(
			['https://h.example/_app/immutable/a.js', 'https://h.example/_app/immutable/b.js'],
			'https://h.example',
			async (url) => {
				if (url.endsWith('a.js')) throw new TypeError('Failed to fetch');
				fetched.push(url);
			}
		);
		expect([count, fetched]).toEqual([2, ['https://h.example/_app/immutable/b.js']]);
	});
});

import { describe, expect, it } from 'vitest';
import { downloadFiles, type DownloadProgress, type PlannedFile } from '$lib/models/download';
import { isQuotaError, ModelError } from '$lib/models/errors';
import { FakeServer, MemoryCache, sha256 } from './fakes';

function model(count: number, size = 1000): { server: FakeServer; files: PlannedFile[] } {
	const server = new FakeServer();
	const files = Array.from({ length: count }, (_, i) => {
		const bytes = new Uint8Array(size).map((_, j) => (i * 31 + j) & 0xff);
		const hex = sha256(bytes);
		const url = `https://registry.test/registry/blobs/sha256/${hex}`;
		server.serve(url, bytes);
		return { path: `onnx/model.onnx_data_${i}`, url, size, sha256: hex };
	});
	return { server, files };
}

describe('downloadFiles', () => {
	it('stores every file, verified, and reports progress up to the total', async () => {
		const { server, files } = model(3);
		const cache = new MemoryCache();
		const progress: DownloadProgress[] = [];
		const stored: string[] = [];
		const summary = await downloadFiles(files, {
			cache,
			fetch: server.fetch,
			onProgress: (p) => progress.push(p),
			onStored: (file, hex) => void stored.push(`${file.path}:${hex === file.sha256}`)
		});
		expect(summary).toEqual({
			fetchedFiles: 3,
			fetchedBytes: 3000,
			reusedFiles: 0,
			refetchedFiles: 0
		});
		expect([...cache.entries.keys()]).toEqual(files.map((f) => f.url));
		expect(stored).toEqual(files.map((f) => `${f.path}:true`));
		const last = progress.at(-1)!;
		expect(last).toMatchObject({ totalBytes: 3000, doneBytes: 3000, filesDone: 3, fileCount: 3 });
		expect(progress.map((p) => p.doneBytes)).toEqual(
			[...progress.map((p) => p.doneBytes)].sort((a, b) => a - b)
		);
	});

	it('resumes at the first missing file after the network dropped', async () => {
		const { server, files } = model(4);
		const cache = new MemoryCache();
		server.dropAfter = 2;
		const failure = await downloadFiles(files, {
			cache,
			fetch: server.fetch,
			storage: undefined
		}).catch((e) => e);
		expect(failure).toBeInstanceOf(ModelError);
		expect(cache.entries.size).toBe(2);

		server.dropAfter = Infinity;
		server.requests.length = 0;
		const summary = await downloadFiles(files, { cache, fetch: server.fetch });
		expect(server.requests).toEqual([files[2].url, files[3].url]);
		expect(summary).toMatchObject({ fetchedFiles: 2, reusedFiles: 2 });
	});

	it('discards a tampered file and fetches it again once', async () => {
		const { server, files } = model(2);
		const cache = new MemoryCache();
		server.behaviour.set(files[1].url, 'corrupt-once');
		const summary = await downloadFiles(files, { cache, fetch: server.fetch });
		expect(summary.refetchedFiles).toBe(1);
		expect(server.requests.filter((u) => u === files[1].url)).toHaveLength(2);
		expect(sha256(new Uint8Array(await cache.entries.get(files[1].url)!.arrayBuffer()))).toBe(
			files[1].sha256
		);
	});

	it('refuses a file that stays tampered, with a clear message, and keeps it out of the cache', async () => {
		const { server, files } = model(2);
		const cache = new MemoryCache();
		server.behaviour.set(files[1].url, 'corrupt');
		const error = await downloadFiles(files, { cache, fetch: server.fetch }).catch((e) => e);
		expect(error).toBeInstanceOf(ModelError);
		expect(error.kind).toBe('integrity');
		expect(error.message).toContain('onnx/model.onnx_data_1 arrived corrupted twice');
		expect(error.message).toContain(`where the manifest lists ${files[1].sha256}`);
		expect(cache.entries.has(files[1].url)).toBe(false);
		expect(cache.entries.has(files[0].url)).toBe(true);
	});

	it('streams a file without a digest into the cache, checking its size', async () => {
		const { server, files } = model(2);
		const cache = new MemoryCache();
		const unhashed = files.map((f) => ({ ...f, sha256: null }));
		const stored: (string | null)[] = [];
		await downloadFiles(unhashed, {
			cache,
			fetch: server.fetch,
			onStored: (_, hex) => void stored.push(hex)
		});
		expect(stored).toEqual([null, null]);
		const held = new Uint8Array(await cache.entries.get(files[1].url)!.arrayBuffer());
		expect(sha256(held)).toBe(files[1].sha256);
	});

	it('refuses a file of the wrong size without a digest, and keeps it out of the cache', async () => {
		const { server, files } = model(1);
		const cache = new MemoryCache();
		const tooBig = [{ ...files[0], sha256: null, size: 999 }];
		const error = await downloadFiles(tooBig, { cache, fetch: server.fetch }).catch((e) => e);
		expect(error.kind).toBe('integrity');
		expect(error.message).toContain('larger than the 999 bytes');
		const tooSmall = [{ ...files[0], sha256: null, size: 1001 }];
		const short = await downloadFiles(tooSmall, { cache, fetch: server.fetch }).catch((e) => e);
		expect(short.message).toContain('it has 1000 bytes where the record lists 1001');
		expect(cache.entries.size).toBe(0);
	});

	it('turns an unreachable host into a readable message', async () => {
		const { server, files } = model(1);
		server.behaviour.set(files[0].url, 'down');
		const error = await downloadFiles(files, {
			cache: new MemoryCache(),
			fetch: server.fetch
		}).catch((e) => e);
		expect(error.kind).toBe('unreachable');
		expect(error.message).toMatch(/^Could not reach registry\.test to download the model/);
	});

	it('names a missing file', async () => {
		const { server, files } = model(1);
		server.behaviour.set(files[0].url, 'missing');
		const error = await downloadFiles(files, {
			cache: new MemoryCache(),
			fetch: server.fetch
		}).catch((e) => e);
		expect(error.kind).toBe('http');
		expect(error.message).toContain('does not have this file (404)');
	});

	it('turns a full disk into a quota message with the room left', async () => {
		const { server, files } = model(3);
		const cache = new MemoryCache();
		cache.quotaLeft = 1500;
		const storage = { estimate: async () => ({ usage: 1500, quota: 2000 }) } as StorageManager;
		const error = await downloadFiles(files, { cache, fetch: server.fetch, storage }).catch(
			(e) => e
		);
		expect(error.kind).toBe('quota');
		expect(error.message).toContain('it needs 2 KB more');
		expect(error.message).toContain('lets Hearth use 2 KB and 1.5 KB is taken');
	});

	it('stops when paused', async () => {
		const { server, files } = model(2);
		const controller = new AbortController();
		const error = await downloadFiles(files, {
			cache: new MemoryCache(),
			fetch: server.fetch,
			signal: controller.signal,
			onStored: () => controller.abort()
		}).catch((e) => e);
		expect(error.kind).toBe('aborted');
		expect(server.requests).toHaveLength(1);
	});
});

describe('isQuotaError', () => {
	it('recognises a full quota however it is wrapped', () => {
		expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
		const aborted = Object.assign(new Error('transaction aborted'), {
			name: 'AbortError',
			inner: new DOMException('full', 'QuotaExceededError')
		});
		expect(isQuotaError(aborted)).toBe(true);
		expect(isQuotaError(new Error('other', { cause: new TypeError('x') }))).toBe(false);
		expect(isQuotaError('QuotaExceededError')).toBe(false);
	});
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases';
import { appFiles, blobBytes, blobHex } from './support/fake-build';
import { createTestApp, type TestApp } from './support/test-app';

// Only the transport encoding is under test: one dialect is enough.
describe.each(dialects.slice(0, 1))('compressing responses (%s)', (dialect) => {
	let t: TestApp;
	beforeAll(async () => {
		t = await createTestApp(dialect);
	});
	afterAll(() => t.close());

	// Large enough to pass the 1 KiB threshold, repetitive as real JavaScript is.
	const chunk = 'export const answer = () => 42;\n'.repeat(600);
	const chunkUrl = '/_app/immutable/chunks/big.abc123.js';
	const getChunk = (encoding: string) =>
		t.app.inject({ method: 'GET', url: chunkUrl, headers: { 'accept-encoding': encoding } });

	it('sends text brotli- or gzip-compressed to a browser that accepts it, and the bytes decode back', async () => {
		mkdirSync(join(t.config.staticDir, '_app/immutable/chunks'), { recursive: true });
		writeFileSync(join(t.config.staticDir, chunkUrl), chunk);
		const br = await getChunk('br');
		expect(br.headers['content-encoding']).toBe('br');
		expect(br.rawPayload.length).toBeLessThan(chunk.length / 10);
		expect(brotliDecompressSync(br.rawPayload).toString()).toBe(chunk);
		const gz = await getChunk('gzip');
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gz.rawPayload).toString()).toBe(chunk);
		const plain = await getChunk('identity');
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body).toBe(chunk);
	});

	it('compresses the app shell served for a deep link', async () => {
		const res = await t.app.inject({
			method: 'GET',
			url: '/this/is/a/deep/link',
			headers: { accept: 'text/html', 'accept-encoding': 'br' }
		});
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(res.rawPayload).toString()).toBe(appFiles['index.html']);
	});

	it('never compresses model blobs, so ranges and hashes are those of the stored file', async () => {
		const res = await t.app.inject({
			method: 'GET',
			url: `/registry/blobs/sha256/${blobHex}`,
			headers: { 'accept-encoding': 'br, gzip' }
		});
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-encoding']).toBeUndefined();
		expect(res.rawPayload).toEqual(blobBytes);
	});
});

import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { dialects } from './support/databases';
import { blobBytes, blobHex, manifestJson } from './support/fake-build';
import { createTestApp, type TestApp } from './support/test-app';

describe.each(dialects)('serving the model registry (%s)', (dialect) => {
	let t: TestApp;
	let base: string;
	beforeAll(async () => {
		t = await createTestApp(dialect);
		// Range requests go over a real socket, as a browser resuming a download sends them.
		await t.app.listen({ port: 0, host: '127.0.0.1' });
		base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
	});
	afterAll(() => t.close());

	const blobUrl = () => `${base}/registry/blobs/sha256/${blobHex}`;

	it('serves a blob whole, immutable, with an ETag and byte ranges advertised', async () => {
		const res = await fetch(blobUrl());
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(res.headers.get('accept-ranges')).toBe('bytes');
		expect(res.headers.get('etag')).toBeTruthy();
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
		expect(Buffer.from(await res.arrayBuffer())).toEqual(blobBytes);
	});

	it('resumes a download: a range request gets 206 with exactly those bytes', async () => {
		const res = await fetch(blobUrl(), { headers: { range: 'bytes=1000-1999' } });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(`bytes 1000-1999/${blobBytes.length}`);
		expect(res.headers.get('content-length')).toBe('1000');
		expect(Buffer.from(await res.arrayBuffer())).toEqual(blobBytes.subarray(1000, 2000));

		const tail = await fetch(blobUrl(), { headers: { range: 'bytes=4000-' } });
		expect(tail.status).toBe(206);
		expect(tail.headers.get('content-range')).toBe(`bytes 4000-4095/${blobBytes.length}`);
		expect(Buffer.from(await tail.arrayBuffer())).toEqual(blobBytes.subarray(4000));
	});

	it('honours If-Range: a range is served only while the blob is the same one', async () => {
		const { headers } = await fetch(blobUrl(), { method: 'HEAD' });
		const etag = headers.get('etag') as string;
		const fresh = await fetch(blobUrl(), { headers: { range: 'bytes=0-9', 'if-range': etag } });
		expect(fresh.status).toBe(206);
		await fresh.arrayBuffer();
		const stale = await fetch(blobUrl(), {
			headers: { range: 'bytes=0-9', 'if-range': '"something-else"' }
		});
		expect(stale.status).toBe(200);
		expect(Buffer.from(await stale.arrayBuffer())).toEqual(blobBytes);
	});

	it('answers a range past the end with 416', async () => {
		const res = await fetch(blobUrl(), { headers: { range: 'bytes=5000-6000' } });
		expect(res.status).toBe(416);
		expect(res.headers.get('content-range')).toBe(`bytes */${blobBytes.length}`);
		await res.arrayBuffer();
	});

	it('serves manifests and index files revalidated, with 304 for an unchanged one', async () => {
		for (const path of ['/registry/demo/versions/1.json', '/registry/demo/index.json']) {
			const res = await t.app.inject({ method: 'GET', url: path });
			expect(res.statusCode, path).toBe(200);
			expect(res.headers['cache-control'], path).toBe('no-cache');
			expect(res.headers['content-type'], path).toBe('application/json; charset=utf-8');
			const etag = res.headers.etag as string;
			expect(etag, path).toBeTruthy();
			const again = await t.app.inject({
				method: 'GET',
				url: path,
				headers: { 'if-none-match': etag }
			});
			expect(again.statusCode, path).toBe(304);
			expect(again.body, path).toBe('');
			expect(again.headers['cross-origin-embedder-policy'], path).toBe('require-corp');
		}
		const manifest = await t.app.inject({ method: 'GET', url: '/registry/demo/versions/1.json' });
		expect(manifest.body).toBe(manifestJson);
	});

	it('answers a blob revalidation with 304 too', async () => {
		const first = await t.app.inject({ method: 'GET', url: `/registry/blobs/sha256/${blobHex}` });
		const again = await t.app.inject({
			method: 'GET',
			url: `/registry/blobs/sha256/${blobHex}`,
			headers: { 'if-none-match': first.headers.etag as string }
		});
		expect(again.statusCode).toBe(304);
		expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
	});

	it('answers 404 JSON for what is not there', async () => {
		for (const path of [
			`/registry/blobs/sha256/${'0'.repeat(64)}`,
			'/registry/nomodel/versions/1.json',
			'/registry/demo'
		]) {
			const res = await t.app.inject({
				method: 'GET',
				url: path,
				headers: { accept: 'text/html' }
			});
			expect(res.statusCode, path).toBe(404);
			expect(apiErrorSchema.parse(res.json()).error.code, path).toBe('not_found');
		}
	});

	it('never lists a directory', async () => {
		for (const path of ['/registry/', '/registry/blobs/sha256/', '/registry/demo/']) {
			const res = await t.app.inject({ method: 'GET', url: path });
			expect(res.statusCode, path).toBe(403);
			expect(apiErrorSchema.parse(res.json()).error.code, path).toBe('forbidden');
		}
	});
});

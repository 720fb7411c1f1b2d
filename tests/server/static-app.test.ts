import { createHash } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { dialects } from './support/databases';
import { appFiles, bootstrapScript } from './support/fake-build';
import { createTestApp, type TestApp } from './support/test-app';

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function expectIsolationHeaders(headers: Record<string, unknown>): void {
	expect(headers['cross-origin-opener-policy']).toBe('same-origin');
	expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
	expect(headers['cross-origin-resource-policy']).toBe('same-origin');
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('same-origin');
	expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
}

/** The CSP as a map of directive → sources. */
function policy(header: unknown): Map<string, string[]> {
	return new Map(
		String(header)
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.map(([name, ...sources]) => [name, sources])
	);
}

describe.each(dialects)('serving the app (%s)', (dialect) => {
	let t: TestApp;
	beforeAll(async () => {
		t = await createTestApp(dialect);
	});
	afterAll(() => t.close());

	it('serves index.html revalidated, isolated, with a CSP that allows exactly its inline script', async () => {
		const res = await t.app.inject({ method: 'GET', url: '/', headers: html });
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(res.headers['cache-control']).toBe('no-cache');
		expect(res.body).toBe(appFiles['index.html']);
		expectIsolationHeaders(res.headers);
		const csp = policy(res.headers['content-security-policy']);
		expect(csp.get('script-src')).toEqual([
			"'self'",
			"'wasm-unsafe-eval'",
			sha256(bootstrapScript)
		]);
		expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
		expect(csp.get('worker-src')).toEqual(["'self'", 'blob:']);
		expect(csp.get('connect-src')).toEqual(
			expect.arrayContaining([
				"'self'",
				'https://huggingface.co',
				'https://*.huggingface.co',
				'https://*.hf.co',
				'https://raw.githubusercontent.com',
				'https://en.wikipedia.org'
			])
		);
		expect(csp.get('object-src')).toEqual(["'none'"]);
		expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
	});

	it('answers a revalidation of index.html with 304 and the same headers', async () => {
		const first = await t.app.inject({ method: 'GET', url: '/', headers: html });
		const etag = first.headers.etag as string;
		expect(etag).toBeTruthy();
		const again = await t.app.inject({
			method: 'GET',
			url: '/',
			headers: { ...html, 'if-none-match': etag }
		});
		expect(again.statusCode).toBe(304);
		expect(again.body).toBe('');
		expect(again.headers['cache-control']).toBe('no-cache');
		expectIsolationHeaders(again.headers);
	});

	it('lets hashed assets be cached for a year', async () => {
		const res = await t.app.inject({ method: 'GET', url: '/_app/immutable/entry/start.abc123.js' });
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
		expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
		expectIsolationHeaders(res.headers);
	});

	it('serves WebAssembly as application/wasm, immutable under _app/immutable', async () => {
		const res = await t.app.inject({
			method: 'GET',
			url: '/_app/immutable/assets/ort.def456.wasm'
		});
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('application/wasm');
		expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
		expect(res.rawPayload).toEqual(appFiles['_app/immutable/assets/ort.def456.wasm']);
	});

	it('never lets the service worker, the manifest or version.json go stale', async () => {
		const worker = await t.app.inject({ method: 'GET', url: '/service-worker.js' });
		expect(worker.statusCode).toBe(200);
		expect(worker.headers['cache-control']).toBe('no-cache');
		expect(worker.headers['content-type']).toBe('application/javascript; charset=utf-8');
		expectIsolationHeaders(worker.headers);

		const manifest = await t.app.inject({ method: 'GET', url: '/manifest.webmanifest' });
		expect(manifest.statusCode).toBe(200);
		expect(manifest.headers['content-type']).toBe('application/manifest+json');
		expect(manifest.headers['cache-control']).toBe('no-cache');

		const version = await t.app.inject({ method: 'GET', url: '/_app/version.json' });
		expect(version.headers['cache-control']).toBe('no-cache');
	});

	it('answers a navigation to a client-side route with the app shell', async () => {
		for (const url of ['/chat', '/contribute/task/42?draft=1', '/models/demo']) {
			const res = await t.app.inject({ method: 'GET', url, headers: html });
			expect(res.statusCode, url).toBe(200);
			expect(res.body).toBe(appFiles['index.html']);
			expect(res.headers['cache-control']).toBe('no-cache');
			expect(policy(res.headers['content-security-policy']).get('script-src')).toContain(
				sha256(bootstrapScript)
			);
			expectIsolationHeaders(res.headers);
		}
	});

	it('answers 404 JSON, not the shell, to what is not a page navigation', async () => {
		const cases = [
			{ method: 'GET', url: '/chat', headers: { accept: 'application/json' } },
			{ method: 'GET', url: '/_app/immutable/missing.js', headers: { accept: '*/*' } },
			{ method: 'GET', url: '/_app/immutable/missing.js', headers: html },
			{ method: 'GET', url: '/api/nope', headers: html },
			{ method: 'GET', url: '/api', headers: html },
			{ method: 'GET', url: '/registry/demo/versions/9.json', headers: html },
			{ method: 'POST', url: '/chat', headers: html }
		] as const;
		for (const request of cases) {
			const res = await t.app.inject(request);
			const label = `${request.method} ${request.url} (${request.headers.accept})`;
			expect(res.statusCode, label).toBe(404);
			expect(res.headers['content-type'], label).toBe('application/json; charset=utf-8');
			expect(apiErrorSchema.parse(res.json()).error.code, label).toBe('not_found');
			expectIsolationHeaders(res.headers);
		}
	});

	it('does not serve files outside the build directory', async () => {
		for (const url of [
			'/../package.json',
			'/%2e%2e/package.json',
			'/_app/%2e%2e/%2e%2e/package.json'
		]) {
			const res = await t.app.inject({ method: 'GET', url });
			expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
			expect(res.statusCode, url).toBeLessThan(500);
			expect(res.body, url).not.toContain('"name": "hearth"');
		}
	});

	it('follows a rebuild under a running server: the CSP hashes the new inline script', async () => {
		const changed = bootstrapScript.replace("'inline'", "'rebuilt'");
		const file = join(t.config.staticDir, 'index.html');
		writeFileSync(file, appFiles['index.html'].replace(bootstrapScript, changed));
		// A different mtime, as a real rebuild seconds later would have.
		utimesSync(file, new Date(), new Date(Date.now() + 5_000));
		const res = await t.app.inject({ method: 'GET', url: '/settings', headers: html });
		const scripts = policy(res.headers['content-security-policy']).get('script-src');
		expect(scripts).toContain(sha256(changed));
		expect(scripts).not.toContain(sha256(bootstrapScript));
	});
});

import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiErrorSchema, type ApiError } from '../../src/lib/protocol/errors';
import type { ZodTypeProvider } from '../../sync-server/http/zod-validation';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const LIMIT = 4096;

// A route like the ones the sync API declares, added by the test to exercise the plumbing
// every route shares: JSON parsing, zod validation, the size limit and the error shape.
const echoBody = z.object({
	clientId: z.string().min(1),
	mutations: z
		.array(z.object({ seq: z.number().int().positive(), text: z.string().max(20) }))
		.max(5)
});

function addTestRoutes(app: FastifyInstance): void {
	app
		.withTypeProvider<ZodTypeProvider>()
		.post('/api/test/echo', { schema: { body: echoBody } }, async (request) => ({
			// Typed by the schema: a compile error here would mean the provider lost the types.
			clientId: request.body.clientId,
			count: request.body.mutations.length
		}));
	app.get('/api/test/crash', async () => {
		throw new Error('database password is hunter2');
	});
}

function expectApiError(
	res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
	status: number,
	code: ApiError['error']['code']
): ApiError['error'] {
	expect(res.statusCode).toBe(status);
	expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
	expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
	const { error } = apiErrorSchema.parse(res.json());
	expect(error.code).toBe(code);
	return error;
}

const post = (
	body: string,
	headers: Record<string, string> = { 'content-type': 'application/json' }
) => ({ method: 'POST', url: '/api/test/echo', payload: body, headers }) as const;

describe.each(dialects)('API errors (%s)', (dialect) => {
	let t: TestApp;
	beforeAll(async () => {
		t = await createTestApp(dialect, {
			overrides: { bodyLimitBytes: LIMIT },
			prepare: addTestRoutes
		});
	});
	afterAll(() => t.close());

	it('accepts a valid body and hands the handler the parsed value', async () => {
		const res = await t.app.inject(
			post(JSON.stringify({ clientId: 'c1', mutations: [{ seq: 1, text: 'hi' }] }))
		);
		expect(res.statusCode).toBe(200);
		expect(res.json()).toEqual({ clientId: 'c1', count: 1 });
	});

	it('answers unknown API routes with 404 JSON naming the route', async () => {
		for (const [method, url] of [
			['GET', '/api/nope'],
			['DELETE', '/api/health'],
			['PUT', '/api/test/echo?x=1']
		] as const) {
			const error = expectApiError(await t.app.inject({ method, url }), 404, 'not_found');
			expect(error.message).toBe(`nothing at ${method} ${url.split('?')[0]}`);
		}
	});

	it('answers malformed JSON with 400 saying where it breaks', async () => {
		const error = expectApiError(
			await t.app.inject(post('{"clientId": "c1",,}')),
			400,
			'invalid_json'
		);
		expect(error.message).toMatch(/^request body is not valid JSON: .*position 18/);
	});

	it('answers an empty JSON body with 400', async () => {
		const error = expectApiError(await t.app.inject(post('')), 400, 'invalid_json');
		expect(error.message).toMatch(/empty/);
	});

	it('refuses prototype poisoning with 400', async () => {
		const error = expectApiError(
			await t.app.inject(post('{"clientId":"c","mutations":[],"__proto__":{"admin":true}}')),
			400,
			'invalid_json'
		);
		expect(error.message).toMatch(/__proto__/);
	});

	it('answers a body that fails the schema with 422 naming each field', async () => {
		const res = await t.app.inject(
			post(
				JSON.stringify({
					mutations: [
						{ seq: 1, text: 'ok' },
						{ seq: -2, text: 'x'.repeat(30) }
					]
				})
			)
		);
		const error = expectApiError(res, 422, 'invalid_request');
		expect(error.issues?.map((i) => i.path)).toEqual([
			'body.clientId',
			'body.mutations[1].seq',
			'body.mutations[1].text'
		]);
		expect(error.message).toMatch(
			/^body\.clientId: .+; body\.mutations\[1\]\.seq: .+; body\.mutations\[1\]\.text: .+/
		);
	});

	it('names the body itself when it is not an object at all', async () => {
		const error = expectApiError(await t.app.inject(post('[1,2]')), 422, 'invalid_request');
		expect(error.issues?.[0].path).toBe('body');
		const missing = expectApiError(
			await t.app.inject({ method: 'POST', url: '/api/test/echo' }),
			422,
			'invalid_request'
		);
		expect(missing.issues?.[0].path).toBe('body');
	});

	it('answers a body over the limit with 413', async () => {
		const huge = JSON.stringify({ clientId: 'c', mutations: [], pad: 'x'.repeat(LIMIT) });
		const error = expectApiError(await t.app.inject(post(huge)), 413, 'payload_too_large');
		expect(error.message).toBe(`request body exceeds the limit of ${LIMIT} bytes`);
	});

	it('answers a body of another media type with 415', async () => {
		expectApiError(
			await t.app.inject(post('a=b', { 'content-type': 'application/x-www-form-urlencoded' })),
			415,
			'unsupported_media_type'
		);
	});

	it('hides what went wrong inside a handler: 500 JSON, no stack, no secrets', async () => {
		const res = await t.app.inject({ method: 'GET', url: '/api/test/crash' });
		const error = expectApiError(res, 500, 'internal');
		expect(error.message).toBe('internal server error');
		expect(res.body).not.toMatch(/hunter2|at .*\.ts/);
	});

	it('answers 413 over a real socket while the client is still sending a chunked body', async () => {
		await t.app.listen({ port: 0, host: '127.0.0.1' });
		const { port } = t.app.server.address() as AddressInfo;
		const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const req = httpRequest(
				{
					port,
					host: '127.0.0.1',
					method: 'POST',
					path: '/api/test/echo',
					headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
				},
				(r) => {
					let body = '';
					r.on('data', (c: Buffer) => (body += c.toString()));
					r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
				}
			);
			// The server may close the connection while we still write; only the answer matters.
			req.on('error', (e: NodeJS.ErrnoException) =>
				e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)
			);
			for (let i = 0; i < 8; i++) req.write('x'.repeat(1024));
			req.end();
		});
		expect(res.status).toBe(413);
		expect(apiErrorSchema.parse(JSON.parse(res.body)).error.code).toBe('payload_too_large');
	});
});

// Limits, each answering with a readable JSON error: request rates per token, per address and
// for registrations (429 with Retry-After), the body size (413), open leases (409), and in a push
// the text rules (2,000 characters, no repeat within 2 hours) as per-mutation rejections, so one
// refused text never blocks the outbox.
import { afterEach, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { Contributor, generousLimits, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;

describe.each(dialects)('limits on %s', (dialect) => {
	let t: TestApp | undefined;
	let now = Date.parse('2026-06-01T00:00:00Z');
	afterEach(async () => {
		await t?.close();
		t = undefined;
	});

	async function app(rateLimit = generousLimits): Promise<TestApp> {
		t = await createTestApp(dialect, {
			overrides: { service: serviceOptions({ clock: () => now, rateLimit }) }
		});
		return t;
	}

	function expectLimited(res: {
		statusCode: number;
		headers: Record<string, unknown>;
		json(): unknown;
	}) {
		expect(res.statusCode).toBe(429);
		expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(apiErrorSchema.parse(res.json()).error.code).toBe('rate_limited');
	}

	it('limits requests per device token and refills with time', async () => {
		const { app: server } = await app({
			...generousLimits,
			perToken: { capacity: 3, perSecond: 1 }
		});
		const ann = await Contributor.register(server);
		const ben = await Contributor.register(server);
		for (let i = 0; i < 3; i++) expect((await ann.request('GET', '/api/me')).statusCode).toBe(200);
		expectLimited(await ann.request('GET', '/api/me'));
		// Another device is not held back by Ann's bucket.
		expect((await ben.request('GET', '/api/me')).statusCode).toBe(200);
		now += 1000;
		expect((await ann.request('GET', '/api/me')).statusCode).toBe(200);
	});

	it('limits requests per address, with or without a token', async () => {
		const { app: server } = await app({
			...generousLimits,
			perAddress: { capacity: 4, perSecond: 1 }
		});
		const ann = await Contributor.register(server);
		for (let i = 0; i < 3; i++) expect((await ann.request('GET', '/api/me')).statusCode).toBe(200);
		expectLimited(await server.inject({ method: 'GET', url: '/api/leaderboard' }));
		// Health checks are never limited (load balancers poll them).
		expect((await server.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
	});

	it('limits device registrations and link attempts per address', async () => {
		const { app: server } = await app({
			...generousLimits,
			registrationsPerAddress: { capacity: 2, perSecond: 0.01 }
		});
		const ann = await Contributor.register(server);
		await Contributor.register(server);
		expectLimited(await server.inject({ method: 'POST', url: '/api/devices', payload: {} }));
		// Guessing link codes spends from the same bucket.
		expectLimited(await ann.request('POST', '/api/devices/link', { code: 'ABCDEFGHJK' }));
		now += 100_000;
		expect(
			(await server.inject({ method: 'POST', url: '/api/devices', payload: {} })).statusCode
		).toBe(201);
	});

	it('refuses an oversized body with 413', async () => {
		const { app: server } = await app();
		const ann = await Contributor.register(server);
		const res = await ann.request('POST', '/api/sync/push', {
			clientId: ann.clientId,
			mutations: [
				{ seq: 1, name: 'create_initial_prompt', args: { text: 'x'.repeat(1_100_000), lang: 'en' } }
			]
		});
		expect(res.statusCode).toBe(413);
		expect(apiErrorSchema.parse(res.json()).error.code).toBe('payload_too_large');
	});

	it('rejects texts over 2,000 characters (counted as people count them) and repeats within 2 hours', async () => {
		const { app: server } = await app();
		const ann = await Contributor.register(server);
		const prompt = (text: string) => ({
			name: 'create_initial_prompt',
			args: { text, lang: 'en' }
		});
		// 2,000 emoji are 4,000 UTF-16 units and 2,000 characters: allowed; one more is not.
		const { response } = await ann.pushNew(
			prompt('🔥'.repeat(2000)),
			prompt('🔥'.repeat(2001)),
			prompt('The same question twice'),
			prompt('  The same question twice ')
		);
		expect(response.results.map((r) => (r.status === 'applied' ? 'applied' : r.code))).toEqual([
			'applied',
			'text_too_long',
			'applied',
			'duplicate_text'
		]);
		const tooLong = response.results[1];
		expect(tooLong.status === 'rejected' && tooLong.message).toBe(
			'The text has 2001 characters; at most 2000 are allowed.'
		);
		now += 2 * HOUR + 1;
		const later = await ann.pushNew(prompt('The same question twice'));
		expect(later.response.results[0].status).toBe('applied');
	});
});

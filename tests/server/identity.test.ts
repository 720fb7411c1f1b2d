import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { linkCodeResponseSchema, meSchema } from '../../src/lib/protocol/identity';
import { openDatabase } from '../../sync-server/db/database';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

describe.each(dialects)('identity on %s', (dialect) => {
	let t: TestApp;
	let now = Date.parse('2026-03-01T12:00:00Z');
	beforeAll(async () => {
		t = await createTestApp(dialect, {
			overrides: { service: serviceOptions({ clock: () => now }) }
		});
	});
	afterAll(() => t.close());

	it('registers a device with a random token of which only the hash is stored', async () => {
		const ann = await Contributor.register(t.app, 'Ann');
		const ben = await Contributor.register(t.app);
		expect(ann.device.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(ann.device.token).not.toBe(ben.device.token);
		expect(ann.device).toMatchObject({ displayName: 'Ann', role: 'contributor' });
		expect(ben.device.displayName).toMatch(/^contributor-/);

		const database = openDatabase(t.config.database);
		try {
			const device = await database.db
				.selectFrom('devices')
				.selectAll()
				.where('id', '=', ann.device.deviceId)
				.executeTakeFirstOrThrow();
			expect(device.token_hash).toBe(createHash('sha256').update(ann.device.token).digest('hex'));
			const everything = JSON.stringify(
				await Promise.all(
					(['users', 'devices', 'clients'] as const).map((table) =>
						database.db.selectFrom(table).selectAll().execute()
					)
				)
			);
			expect(everything).not.toContain(ann.device.token);
		} finally {
			await database.close();
		}

		const me = meSchema.parse((await ann.request('GET', '/api/me')).json());
		expect(me).toEqual({
			userId: ann.userId,
			displayName: 'Ann',
			role: 'contributor',
			deviceId: ann.device.deviceId,
			clientIds: [ann.clientId],
			deviceCount: 1,
			banned: false
		});
	});

	it('answers 401 with a JSON error without a token, with a malformed or an unknown one', async () => {
		const ann = await Contributor.register(t.app);
		const forged = `${ann.device.token.slice(0, -1)}${ann.device.token.endsWith('A') ? 'B' : 'A'}`;
		for (const authorization of [
			undefined,
			'Bearer',
			'Bearer short',
			`Basic ${ann.device.token}`,
			`Bearer ${forged}`
		]) {
			const res = await t.app.inject({
				method: 'GET',
				url: '/api/me',
				headers: authorization ? { authorization } : {}
			});
			expect(res.statusCode).toBe(401);
			expect(apiErrorSchema.parse(res.json()).error.code).toBe('unauthorized');
		}
	});

	it('changes the display name and names the field of a bad one', async () => {
		const ann = await Contributor.register(t.app);
		const ok = await ann.request('PATCH', '/api/me', { displayName: '  Ann B.  ' });
		expect(meSchema.parse(ok.json()).displayName).toBe('Ann B.');
		const bad = await ann.request('PATCH', '/api/me', { displayName: 'line\nbreak' });
		expect(bad.statusCode).toBe(422);
		expect(apiErrorSchema.parse(bad.json()).error.issues?.[0].path).toBe('body.displayName');
	});

	it('links a second device with a one-time code that expires', async () => {
		const laptop = await Contributor.register(t.app, 'Laptop owner');
		const phone = await Contributor.register(t.app);
		const created = await laptop.request('POST', '/api/devices/link-code');
		expect(created.statusCode).toBe(201);
		const { code, expiresAt } = linkCodeResponseSchema.parse(created.json());
		expect(expiresAt).toBe(now + 10 * 60_000);

		// Typed the way people type it: lower case, with a space.
		const typed = `${code.slice(0, 5)} ${code.slice(5)}`.toLowerCase();
		const linked = await phone.request('POST', '/api/devices/link', { code: typed });
		expect(linked.statusCode, linked.body).toBe(200);
		expect(meSchema.parse(linked.json())).toMatchObject({
			userId: laptop.userId,
			displayName: 'Laptop owner',
			deviceId: phone.device.deviceId,
			clientIds: [phone.clientId],
			deviceCount: 2
		});
		// The same token now speaks for the laptop's account.
		expect(meSchema.parse((await phone.request('GET', '/api/me')).json()).userId).toBe(
			laptop.userId
		);

		const other = await Contributor.register(t.app);
		const reused = await other.request('POST', '/api/devices/link', { code });
		expect(reused.statusCode).toBe(404);

		const late = linkCodeResponseSchema.parse(
			(await laptop.request('POST', '/api/devices/link-code')).json()
		);
		now += 10 * 60_000 + 1;
		const expired = await other.request('POST', '/api/devices/link', { code: late.code });
		expect(expired.statusCode).toBe(404);
		expect(apiErrorSchema.parse(expired.json()).error.message).toMatch(/expired/);
		expect(meSchema.parse((await other.request('GET', '/api/me')).json()).userId).toBe(
			other.userId
		);
	});

	it('checks roles: contributors get 403 on moderator endpoints; the admin token and admins grant roles', async () => {
		const mod = await Contributor.register(t.app);
		const boss = await Contributor.register(t.app);
		const denied = await mod.request('GET', '/api/moderation/flagged');
		expect(denied.statusCode).toBe(403);
		expect(apiErrorSchema.parse(denied.json()).error).toMatchObject({ code: 'forbidden' });

		const wrong = await boss.request('POST', '/api/admin/claim', {
			adminToken: 'not-the-token-at-all'
		});
		expect(wrong.statusCode).toBe(403);
		expect(meSchema.parse((await boss.request('GET', '/api/me')).json()).role).toBe('contributor');

		const notAdmin = await mod.request('PUT', `/api/admin/users/${mod.userId}/role`, {
			role: 'admin'
		});
		expect(notAdmin.statusCode).toBe(403);

		await boss.claimAdmin();
		const granted = await boss.request('PUT', `/api/admin/users/${mod.userId}/role`, {
			role: 'moderator'
		});
		expect(granted.statusCode).toBe(200);
		expect((await mod.request('GET', '/api/moderation/flagged')).statusCode).toBe(200);
		// A moderator is not an admin.
		expect(
			(await mod.request('PUT', `/api/admin/users/${boss.userId}/role`, { role: 'contributor' }))
				.statusCode
		).toBe(403);
		const missing = await boss.request('PUT', '/api/admin/users/nobody/role', {
			role: 'moderator'
		});
		expect(missing.statusCode).toBe(404);
	});
});

// Client compilation (jsdom) so the account's runes behave as in the browser.
// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Me, RegisteredDevice, Role } from '$lib/protocol/identity';
import { Account } from '$lib/state/account.svelte';
import { HearthApi, type FetchFunction } from '$lib/sync/api-client';
import { SyncEngine } from '$lib/sync/sync-engine';
import { openTestStorage } from '../db/open-test-storage';

const ADMIN_TOKEN = 'the-operators-admin-token';
const USER = '0b5f7c1e-3d2a-4b8e-9f10-2a3b4c5d6e7f';
const OTHER = '1c6a8d2f-4e3b-4c9f-8a21-3b4c5d6e7f80';

/** The identity endpoints the account uses, as the server answers them. */
class FakeIdentityServer {
	roles = new Map<string, Role>([[OTHER, 'contributor']]);
	online = true;
	deleted = false;
	readonly calls: string[] = [];

	readonly fetch: FetchFunction = async (path, init) => {
		this.calls.push(`${init.method} ${path}`);
		if (!this.online) throw new TypeError('Failed to fetch');
		const body = init.body ? JSON.parse(String(init.body)) : {};
		const json = (status: number, value: unknown) =>
			new Response(JSON.stringify(value), { status });
		const refuse = (status: number, code: string, message: string) =>
			json(status, { error: { code, message } });
		if (path === '/api/devices') {
			this.roles.set(USER, 'contributor');
			const device: RegisteredDevice = {
				token: 'device-token',
				userId: USER,
				deviceId: '2d7b9e3a-5f4c-4da0-9b32-4c5d6e7f8091',
				clientId: '3e8caf4b-6a5d-4eb1-8c43-5d6e7f8091a2',
				displayName: 'contributor-0b5f7c',
				role: 'contributor'
			};
			return json(201, device);
		}
		if (
			this.deleted ||
			(init.headers as Record<string, string>).authorization !== 'Bearer device-token'
		)
			return refuse(401, 'unauthorized', 'no such device');
		if (path === '/api/sync/pull')
			return json(200, {
				lastSeq: 0,
				cursor: '',
				messages: [],
				more: false,
				leases: [],
				points: { total: 0, day: 0, week: 0, month: 0 },
				user: { displayName: 'contributor-0b5f7c', role: this.roles.get(USER), banned: false }
			});
		if (path === '/api/me' && init.method === 'DELETE') {
			if (body.confirmDisplayName !== 'contributor-0b5f7c')
				return refuse(400, 'invalid_request', 'type the display name to confirm');
			this.deleted = true;
			return json(200, { erasedMessages: 2, withdrawnDonations: 1 });
		}
		if (path === '/api/me') return json(200, this.me());
		if (path === '/api/admin/claim') {
			if (body.adminToken !== ADMIN_TOKEN)
				return refuse(403, 'forbidden', 'the admin token is wrong');
			this.roles.set(USER, 'admin');
			return json(200, this.me());
		}
		const role = /^\/api\/admin\/users\/([^/]+)\/role$/.exec(path);
		if (role) {
			if (this.roles.get(USER) !== 'admin') return refuse(403, 'forbidden', 'admins only');
			const userId = decodeURIComponent(role[1]);
			if (!this.roles.has(userId)) return refuse(404, 'not_found', `no user ${userId}`);
			this.roles.set(userId, body.role);
			return json(200, { userId, role: body.role });
		}
		return refuse(404, 'not_found', path);
	};

	me(): Me {
		return {
			userId: USER,
			displayName: 'contributor-0b5f7c',
			role: this.roles.get(USER)!,
			deviceId: '2d7b9e3a-5f4c-4da0-9b32-4c5d6e7f8091',
			clientIds: ['3e8caf4b-6a5d-4eb1-8c43-5d6e7f8091a2'],
			deviceCount: 1,
			banned: false
		};
	}
}

function setup() {
	const { storage } = openTestStorage();
	const server = new FakeIdentityServer();
	const engine = new SyncEngine(storage, new HearthApi(server.fetch));
	const account = new Account(async () => engine);
	return { storage, server, engine, account };
}

describe('Account', () => {
	it('has no user id before the device registers, and one after, with the role the server holds', async () => {
		const { server, account } = setup();
		await account.load();
		expect(account.loaded).toBe(true);
		expect(account.userId).toBeNull();
		expect(server.calls).toEqual([]);

		await account.register();
		expect(account.userId).toBe(USER);
		expect(account.role).toBe('contributor');
		expect(account.error).toBeNull();
		expect(server.calls).toEqual(['POST /api/devices', 'POST /api/sync/pull', 'GET /api/me']);
	});

	it('claims the admin role with the admin token, and refuses a wrong one in words', async () => {
		const { account } = setup();
		await account.register();
		await expect(account.claimAdmin('not-the-token')).rejects.toThrow(
			'The server refused: the admin token is wrong.'
		);
		expect(account.role).toBe('contributor');
		await expect(account.claimAdmin('   ')).rejects.toThrow('Enter the admin token.');

		await account.claimAdmin(`  ${ADMIN_TOKEN} `);
		expect(account.role).toBe('admin');
	});

	it('lets an admin make another user a moderator by their user id', async () => {
		const { server, account } = setup();
		await account.register();
		await expect(account.setRole(OTHER, 'moderator')).rejects.toThrow('admins only');
		await account.claimAdmin(ADMIN_TOKEN);
		await account.setRole(` ${OTHER} `, 'moderator');
		expect(server.roles.get(OTHER)).toBe('moderator');
		await expect(
			account.setRole('4f9db05c-7b6e-4fc2-9d54-6e7f8091a2b3', 'moderator')
		).rejects.toThrow(/^no user/);
	});

	it('offline, shows the stored user id and role, and says the server could not be reached', async () => {
		const { server, account, engine } = setup();
		await account.register();
		server.online = false;
		const again = new Account(async () => engine);
		await again.load();
		expect(again.userId).toBe(USER);
		expect(again.role).toBe('contributor');
		expect(again.error).toBe('The server could not be reached.');
		await expect(again.claimAdmin(ADMIN_TOKEN)).rejects.toThrow('The server could not be reached.');
	});

	it('deletes the account only with its name typed, then forgets it here and marks shared chats withdrawn', async () => {
		const { storage, server, account } = setup();
		await account.register();
		const shared = await storage.conversations.create({ title: 'Shared' });
		await storage.conversations.update(shared.id, {
			donation: { id: 'donation-1', sharedAt: Date.now() }
		});
		await storage.outbox.enqueue({ name: 'flag_message', args: { messageId: 'm1' } });

		await expect(account.deleteAccount('someone else')).rejects.toThrow(
			'type the display name to confirm'
		);
		expect(account.userId).toBe(USER);
		expect(await storage.outbox.count()).toBe(1);

		expect(await account.deleteAccount('contributor-0b5f7c')).toEqual({
			erasedMessages: 2,
			withdrawnDonations: 1
		});
		expect(account.userId).toBeNull();
		expect(await storage.outbox.count()).toBe(0);
		expect((await storage.conversations.get(shared.id))?.donation?.withdrawnAt).toBeTypeOf(
			'number'
		);
		// The device has no account now; loading again does not ask the server.
		const calls = server.calls.length;
		await account.load();
		expect(account.userId).toBeNull();
		expect(server.calls).toHaveLength(calls);
	});
});

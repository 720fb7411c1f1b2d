// Accounts, devices and their outbox streams. An account is created with its first device;
// another device joins it with a one-time code made on a device already in it. Linking moves
// the device (its outbox streams and open leases go with it, so offline work keeps flowing);
// what the device's old account already contributed stays credited to that account.
import { randomUUID } from 'node:crypto';
import type { LinkCodeResponse, Me, RegisteredDevice, Role } from '../../src/lib/protocol/identity';
import { ApiHttpError } from '../http/api-error';
import { inWriteTransaction, lockRows } from '../db/transaction';
import type { Service } from '../service/service';
import type { Caller } from './authenticate';
import { newDeviceToken, newLinkCode, secretsEqual, sha256Hex } from './tokens';

export async function registerDevice(
	service: Service,
	displayName: string | undefined
): Promise<RegisteredDevice> {
	const now = service.config.clock();
	const userId = randomUUID();
	const deviceId = randomUUID();
	const clientId = randomUUID();
	const token = newDeviceToken();
	const name = displayName ?? `contributor-${userId.slice(0, 6)}`;
	await inWriteTransaction(service.database, async (trx) => {
		await trx
			.insertInto('users')
			.values({ id: userId, display_name: name, created_at: now })
			.execute();
		await trx
			.insertInto('devices')
			.values({ id: deviceId, user_id: userId, token_hash: sha256Hex(token), created_at: now })
			.execute();
		await trx
			.insertInto('clients')
			.values({ id: clientId, device_id: deviceId, created_at: now })
			.execute();
	});
	return { token, userId, deviceId, clientId, displayName: name, role: 'contributor' };
}

export async function describeCaller(service: Service, caller: Caller): Promise<Me> {
	const db = service.database.db;
	const [clients, devices] = await Promise.all([
		db
			.selectFrom('clients')
			.select('id')
			.where('device_id', '=', caller.deviceId)
			.orderBy('created_at')
			.execute(),
		db
			.selectFrom('devices')
			.select((eb) => eb.fn.countAll<number>().as('count'))
			.where('user_id', '=', caller.userId)
			.executeTakeFirstOrThrow()
	]);
	return {
		userId: caller.userId,
		displayName: caller.displayName,
		role: caller.role,
		deviceId: caller.deviceId,
		clientIds: clients.map((c) => c.id),
		deviceCount: Number(devices.count),
		banned: caller.banned
	};
}

export async function setDisplayName(
	service: Service,
	caller: Caller,
	displayName: string
): Promise<Me> {
	await service.database.db
		.updateTable('users')
		.set({ display_name: displayName })
		.where('id', '=', caller.userId)
		.execute();
	return describeCaller(service, { ...caller, displayName });
}

export async function createLinkCode(service: Service, caller: Caller): Promise<LinkCodeResponse> {
	const now = service.config.clock();
	const code = newLinkCode();
	const expiresAt = now + service.config.linkCodeTtlMs;
	await service.database.db
		.insertInto('link_codes')
		.values({
			code_hash: sha256Hex(code),
			user_id: caller.userId,
			created_at: now,
			expires_at: expiresAt
		})
		.execute();
	return { code, expiresAt };
}

/** Moves the calling device into the account that made `code`; the code is spent. */
export async function linkDevice(service: Service, caller: Caller, code: string): Promise<Me> {
	const now = service.config.clock();
	const target = await inWriteTransaction(service.database, async (trx) => {
		const spent = await trx
			.updateTable('link_codes')
			.set({ used_at: now })
			.where('code_hash', '=', sha256Hex(code))
			.where('used_at', 'is', null)
			.where('expires_at', '>', now)
			.returning(['user_id'])
			.executeTakeFirst();
		if (!spent) {
			throw new ApiHttpError(404, 'not_found', 'the link code is wrong, expired or already used');
		}
		if (spent.user_id === caller.userId) {
			throw new ApiHttpError(409, 'conflict', 'this device already belongs to that account');
		}
		const account = await trx
			.selectFrom('users')
			.selectAll()
			.where('id', '=', spent.user_id)
			.executeTakeFirstOrThrow();
		if (account.banned_at !== null) {
			throw new ApiHttpError(403, 'forbidden', 'that account is banned');
		}
		const clients = trx.selectFrom('clients').select('id').where('device_id', '=', caller.deviceId);
		await lockRows(
			trx,
			service.database,
			'clients',
			(await clients.execute()).map((c) => c.id)
		);
		await trx
			.updateTable('devices')
			.set({ user_id: account.id })
			.where('id', '=', caller.deviceId)
			.execute();
		await trx
			.updateTable('leases')
			.set({ user_id: account.id })
			.where('client_id', 'in', clients)
			.where('status', '=', 'open')
			.execute();
		return account;
	});
	return describeCaller(service, {
		userId: target.id,
		deviceId: caller.deviceId,
		role: target.role,
		displayName: target.display_name,
		banned: false
	});
}

export async function setRole(service: Service, userId: string, role: Role): Promise<void> {
	const result = await service.database.db
		.updateTable('users')
		.set({ role })
		.where('id', '=', userId)
		.executeTakeFirst();
	if (result.numUpdatedRows === 0n) {
		throw new ApiHttpError(404, 'not_found', `no user ${userId}`);
	}
}

/** The operator's bootstrap: presenting HEARTH_ADMIN_TOKEN makes the caller an admin. */
export async function claimAdmin(service: Service, caller: Caller, presented: string): Promise<Me> {
	const expected = service.config.adminToken;
	if (expected === null) {
		throw new ApiHttpError(
			404,
			'not_found',
			'admin claims are off (HEARTH_ADMIN_TOKEN is not set)'
		);
	}
	if (!secretsEqual(expected, presented)) {
		throw new ApiHttpError(403, 'forbidden', 'the admin token is wrong');
	}
	await setRole(service, caller.userId, 'admin');
	return describeCaller(service, { ...caller, role: 'admin' });
}

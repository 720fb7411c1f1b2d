// Who is calling: the `Authorization: Bearer <token>` header names a device; the device's
// account gives the role. Each endpoint states the role it needs, and a banned account may
// only read its own status.
import type { FastifyRequest } from 'fastify';
import { hasRole, type Role } from '../../src/lib/protocol/identity';
import { ApiHttpError } from '../http/api-error';
import type { Service } from '../service/service';
import { DEVICE_TOKEN_PATTERN, digestMatches, sha256Hex } from './tokens';

export interface Caller {
	userId: string;
	deviceId: string;
	role: Role;
	displayName: string;
	banned: boolean;
}

/** The token of the request, or null when it has no well-formed bearer header. */
export function bearerToken(request: FastifyRequest): string | null {
	const header = request.headers.authorization;
	if (typeof header !== 'string') return null;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match && DEVICE_TOKEN_PATTERN.test(match[1]) ? match[1] : null;
}

export async function authenticate(
	service: Service,
	request: FastifyRequest,
	{ role = 'contributor', allowBanned = false }: { role?: Role; allowBanned?: boolean } = {}
): Promise<Caller> {
	const token = bearerToken(request);
	if (token === null) {
		throw new ApiHttpError(
			401,
			'unauthorized',
			'send the device token as "Authorization: Bearer <token>" (register at POST /api/devices)'
		);
	}
	const row = await service.database.db
		.selectFrom('devices')
		.innerJoin('users', 'users.id', 'devices.user_id')
		.select([
			'devices.id as deviceId',
			'devices.token_hash as tokenHash',
			'users.id as userId',
			'users.role as role',
			'users.display_name as displayName',
			'users.banned_at as bannedAt'
		])
		.where('devices.token_hash', '=', sha256Hex(token))
		.executeTakeFirst();
	// The lookup is by digest; the comparison below keeps the final check constant-time too.
	if (!row || !digestMatches(row.tokenHash, token)) {
		throw new ApiHttpError(401, 'unauthorized', 'the device token is unknown or was revoked');
	}
	const caller: Caller = {
		userId: row.userId,
		deviceId: row.deviceId,
		role: row.role,
		displayName: row.displayName,
		banned: row.bannedAt !== null
	};
	if (caller.banned && !allowBanned) {
		throw new ApiHttpError(403, 'forbidden', 'this account is banned');
	}
	if (!hasRole(caller.role, role)) {
		throw new ApiHttpError(403, 'forbidden', `this needs the ${role} role`);
	}
	return caller;
}

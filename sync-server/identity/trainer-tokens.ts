// Trainer tokens (migration 0005): `npm run admin -- trainer-token create <name>` prints one
// once; the server keeps its SHA-256. A request to read exports or publish models may carry one
// instead of a device token of a moderator or admin; setting ranking priorities needs one.
import type { FastifyRequest } from 'fastify';
import { ApiHttpError } from '../http/api-error';
import type { Service } from '../service/service';
import { bearerToken } from './authenticate';
import { digestMatches, newDeviceToken, sha256Hex } from './tokens';

export const TRAINER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class TrainerTokenError extends Error {}

/** A new token for `name`, returned once; a name already in use is refused. */
export async function createTrainerToken(service: Service, name: string): Promise<string> {
	if (!TRAINER_NAME.test(name)) {
		throw new TrainerTokenError(
			`a trainer name is 1 to 63 lower-case letters, digits and dashes, not ${JSON.stringify(name)}`
		);
	}
	const token = newDeviceToken();
	const inserted = await service.database.db
		.insertInto('trainer_tokens')
		.values({ name, token_hash: sha256Hex(token), created_at: service.config.clock() })
		.onConflict((c) => c.column('name').doNothing())
		.executeTakeFirst();
	if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
		throw new TrainerTokenError(`a trainer named ${name} exists; revoke it first`);
	}
	return token;
}

/** Whether a token named `name` existed (and now no longer does). */
export async function revokeTrainerToken(service: Service, name: string): Promise<boolean> {
	const deleted = await service.database.db
		.deleteFrom('trainer_tokens')
		.where('name', '=', name)
		.executeTakeFirst();
	return Number(deleted.numDeletedRows) > 0;
}

/** The trainer a request's bearer token names, or null when it is not a trainer token. */
export async function trainerOf(service: Service, request: FastifyRequest): Promise<string | null> {
	const token = bearerToken(request);
	if (token === null) return null;
	const row = await service.database.db
		.selectFrom('trainer_tokens')
		.select(['name', 'token_hash as tokenHash'])
		.where('token_hash', '=', sha256Hex(token))
		.executeTakeFirst();
	return row && digestMatches(row.tokenHash, token) ? row.name : null;
}

/** Requires a trainer token, for the publish API and the trainer's ranking priorities. */
export async function authenticateTrainer(
	service: Service,
	request: FastifyRequest,
	what = 'publishing models'
): Promise<string> {
	const name = await trainerOf(service, request);
	if (name !== null) return name;
	throw new ApiHttpError(
		bearerToken(request) === null ? 401 : 403,
		bearerToken(request) === null ? 'unauthorized' : 'forbidden',
		`${what} needs a trainer token (npm run admin -- trainer-token create <name>)`
	);
}

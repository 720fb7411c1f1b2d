// A client is one outbox stream of a device. Every push, pull and lease names one, and it must
// belong to the calling device. Locking its row serializes a client's writes on PostgreSQL (a
// retried push waits for the first to commit and then finds its entries processed).
import { ApiHttpError } from '../http/api-error';
import type { HearthDatabase } from '../db/database';
import type { Caller } from './authenticate';
import { lockRows, type Trx } from '../db/transaction';

export async function requireOwnClient(
	trx: Trx,
	database: HearthDatabase,
	caller: Caller,
	clientId: string
): Promise<{ id: string; lastSeq: number }> {
	await lockRows(trx, database, 'clients', [clientId]);
	const client = await trx
		.selectFrom('clients')
		.select(['id', 'device_id', 'last_seq'])
		.where('id', '=', clientId)
		.executeTakeFirst();
	if (!client || client.device_id !== caller.deviceId) {
		// The same answer for another device's client and a made-up one: ids are not probed.
		throw new ApiHttpError(404, 'not_found', `client ${clientId} is not a client of this device`);
	}
	return { id: client.id, lastSeq: client.last_seq };
}

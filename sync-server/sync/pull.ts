// Pull: what changed for this user since the cursor — their messages whose state changed, in
// the order of their change counter — plus every open lease of this client, their points and
// the client's lastSeq (the app drops outbox rows up to it). The cursor names the account and
// the last (version, message) seen, so pages never skip a message and a device that moved to
// another account starts over.
import type { PullRequest, PullResponse } from '../../src/lib/protocol/sync';
import { MAX_PULL_MESSAGES } from '../../src/lib/protocol/sync';
import { ApiHttpError } from '../http/api-error';
import type { Caller } from '../identity/authenticate';
import { pointsSummary } from '../points/summary';
import { toLeasedTask } from '../tasks/lease';
import type { Service } from '../service/service';
import { ownMessagesQuery, toOwnMessage } from './own-messages';

interface Position {
	version: number;
	messageId: string;
}

function parseCursor(cursor: string | null, userId: string): Position {
	const match = cursor ? /^([^.]+)\.(\d+)\.([^.]*)$/.exec(cursor) : null;
	if (!match || match[1] !== userId) return { version: -1, messageId: '' };
	return { version: Number(match[2]), messageId: match[3] };
}

function formatCursor(userId: string, position: Position): string {
	return `${userId}.${position.version}.${position.messageId}`;
}

export async function pull(
	service: Service,
	caller: Caller,
	request: PullRequest
): Promise<PullResponse> {
	const db = service.database.db;
	const now = service.config.clock();
	const client = await db
		.selectFrom('clients')
		.select(['device_id', 'last_seq'])
		.where('id', '=', request.clientId)
		.executeTakeFirst();
	if (!client || client.device_id !== caller.deviceId) {
		throw new ApiHttpError(
			404,
			'not_found',
			`client ${request.clientId} is not a client of this device`
		);
	}
	const from = parseCursor(request.cursor, caller.userId);
	const rows = await ownMessagesQuery(db)
		.where('messages.author_id', '=', caller.userId)
		.where((eb) =>
			eb.or([
				eb('messages.version', '>', from.version),
				eb.and([eb('messages.version', '=', from.version), eb('messages.id', '>', from.messageId)])
			])
		)
		.orderBy('messages.version')
		.orderBy('messages.id')
		.limit(MAX_PULL_MESSAGES + 1)
		.execute();
	const more = rows.length > MAX_PULL_MESSAGES;
	const page = rows.slice(0, MAX_PULL_MESSAGES);
	const last = page.at(-1);
	const position = last ? { version: last.version, messageId: last.id } : from;

	const leases = await db
		.selectFrom('leases')
		.selectAll()
		.where('client_id', '=', request.clientId)
		.where('status', '=', 'open')
		.where('expires_at', '>', now - service.config.treeManager.leases.visibleAfterExpiryMs)
		.orderBy('created_at')
		.orderBy('id')
		.execute();

	return {
		lastSeq: client.last_seq,
		cursor: formatCursor(
			caller.userId,
			position.version < 0 ? { version: 0, messageId: '' } : position
		),
		messages: page.map(toOwnMessage),
		more,
		leases: leases.map(toLeasedTask),
		points: await pointsSummary(db, caller.userId, now, service.config.treeManager),
		user: { displayName: caller.displayName, role: caller.role, banned: caller.banned }
	};
}

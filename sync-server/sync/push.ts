// Push, as the protocol states it (src/lib/protocol/sync.ts): in one transaction, skip every
// seq ≤ lastSeq (answering from the log), refuse a gap, apply the rest in order — each in a
// savepoint, so a rejected mutation leaves nothing behind — record each as applied or rejected,
// advance lastSeq, and commit. A failure that is not a rejection (the database went away)
// rolls back the whole push: nothing is acknowledged, and the client's retry is safe.
import { sql, type Insertable } from 'kysely';
import type { MutationOutcome, PushRequest, PushResponse } from '../../src/lib/protocol/sync';
import type { MutationsTable } from '../db/schema';
import { ApiHttpError } from '../http/api-error';
import type { Caller } from '../identity/authenticate';
import { runDueLottery } from '../trees/lottery-runner';
import { inWriteTransaction, type Trx } from '../db/transaction';
import type { Service } from '../service/service';
import { WriteSession } from '../trees/write-session';
import { requireOwnClient } from '../identity/clients';
import { MutationRejected, type MutationResult } from '../tasks/mutation-context';
import { applyMutation } from './mutations';

async function loggedOutcomes(
	trx: Trx,
	clientId: string,
	fromSeq: number,
	toSeq: number
): Promise<MutationOutcome[]> {
	if (toSeq < fromSeq) return [];
	const rows = await trx
		.selectFrom('mutations')
		.select(['seq', 'status', 'code', 'reason', 'result'])
		.where('client_id', '=', clientId)
		.where('seq', '>=', fromSeq)
		.where('seq', '<=', toSeq)
		.orderBy('seq')
		.execute();
	return rows.map((row) =>
		row.status === 'applied'
			? {
					seq: row.seq,
					status: 'applied',
					result: row.result ? (JSON.parse(row.result) as MutationResult) : {}
				}
			: {
					seq: row.seq,
					status: 'rejected',
					code: row.code ?? 'rejected',
					message: row.reason ?? ''
				}
	);
}

export async function push(
	service: Service,
	caller: Caller,
	request: PushRequest
): Promise<PushResponse> {
	return inWriteTransaction(service.database, async (trx) => {
		const session = new WriteSession(trx, service, service.config.clock());
		const client = await requireOwnClient(trx, service.database, caller, request.clientId);
		const first = request.mutations[0].seq;
		if (first > client.lastSeq + 1) {
			throw new ApiHttpError(
				409,
				'conflict',
				`seq gap: this client's next seq is ${client.lastSeq + 1}, the push starts at ${first}; ` +
					`resend the outbox from seq ${client.lastSeq + 1}`
			);
		}
		const results = await loggedOutcomes(
			trx,
			client.id,
			first,
			Math.min(client.lastSeq, request.mutations.at(-1)!.seq)
		);
		let lastSeq = client.lastSeq;
		const logged: Insertable<MutationsTable>[] = [];
		for (const mutation of request.mutations) {
			if (mutation.seq <= lastSeq) continue;
			const outcome = await applyInSavepoint(session, caller, request.clientId, mutation);
			logged.push({
				client_id: request.clientId,
				seq: mutation.seq,
				name: mutation.name,
				args: JSON.stringify(mutation.args ?? null),
				status: outcome.status,
				code: outcome.status === 'rejected' ? outcome.code : null,
				reason: outcome.status === 'rejected' ? outcome.message : null,
				result: outcome.status === 'applied' ? JSON.stringify(outcome.result) : null,
				processed_at: session.now
			});
			results.push(outcome);
			lastSeq = mutation.seq;
		}
		if (logged.length > 0) await trx.insertInto('mutations').values(logged).execute();
		if (lastSeq !== client.lastSeq) {
			await trx
				.updateTable('clients')
				.set({ last_seq: lastSeq })
				.where('id', '=', client.id)
				.execute();
		}
		await runDueLottery(session);
		await session.flush();
		return { lastSeq, results };
	});
}

async function applyInSavepoint(
	session: WriteSession,
	caller: Caller,
	clientId: string,
	mutation: PushRequest['mutations'][number]
): Promise<MutationOutcome> {
	const { trx } = session;
	await sql`savepoint mutation`.execute(trx);
	const restore = session.checkpoint();
	try {
		const result = await applyMutation(
			{ session, caller, clientId, seq: mutation.seq },
			mutation.name,
			mutation.args
		);
		await sql`release savepoint mutation`.execute(trx);
		return { seq: mutation.seq, status: 'applied', result };
	} catch (error) {
		if (!(error instanceof MutationRejected)) throw error;
		await sql`rollback to savepoint mutation`.execute(trx);
		await sql`release savepoint mutation`.execute(trx);
		restore();
		return { seq: mutation.seq, status: 'rejected', code: error.code, message: error.message };
	}
}

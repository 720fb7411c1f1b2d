import type { HearthDatabase } from './database';
import type { PersistenceRequest } from './persistence';
import type { OutboxEntry } from './records/outbox-entry';
import { toStorable } from './snapshot.svelte';

/**
 * The queue of local changes for the server. Enqueue inside the same Dexie transaction as the
 * local effect — `db.transaction('rw', [db.drafts, db.outbox], …)` — so a crash keeps both or
 * neither.
 */
export class OutboxRepository {
	constructor(
		private readonly db: HearthDatabase,
		private readonly persistence: PersistenceRequest
	) {}

	/** Queues a mutation and returns its `seq`. */
	async enqueue<M>(mutation: M, now: number = Date.now()): Promise<number> {
		const seq = await this.db.outbox.add({ mutation: toStorable(mutation), createdAt: now });
		this.persistence.ensure();
		return seq;
	}

	/** The oldest entries, in `seq` order: what a push sends. */
	pending(limit: number): Promise<OutboxEntry[]> {
		return this.db.outbox.orderBy('seq').limit(limit).toArray();
	}

	/** Drops entries the server has processed (`seq ≤ lastSeq`); returns how many. */
	acknowledge(lastSeq: number): Promise<number> {
		return this.db.outbox.where('seq').belowOrEqual(lastSeq).delete();
	}

	count(): Promise<number> {
		return this.db.outbox.count();
	}
}

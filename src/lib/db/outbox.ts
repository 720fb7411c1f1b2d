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

	/**
	 * Moves every pending entry, in order, to consecutive seqs from `first`; returns old seq →
	 * new seq. For closing a gap the server refused (an aborted transaction used up a seq, or
	 * a new registration restarted the count): only safe for entries the server has never
	 * processed, i.e. all of them above its lastSeq. Run it in a transaction with whatever
	 * else refers to the seqs.
	 */
	async renumber(first: number): Promise<Map<number, number>> {
		const entries = await this.db.outbox.orderBy('seq').toArray();
		const moves = new Map<number, number>();
		entries.forEach((entry, i) => {
			if (entry.seq !== first + i) moves.set(entry.seq, first + i);
		});
		if (moves.size === 0) return moves;
		await this.db.outbox.bulkDelete([...moves.keys()]);
		await this.db.outbox.bulkAdd(
			entries.filter((e) => moves.has(e.seq)).map((e) => ({ ...e, seq: moves.get(e.seq)! }))
		);
		return moves;
	}
}

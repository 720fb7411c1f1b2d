/**
 * A local change waiting to reach the server. `seq` comes from IndexedDB's key generator, which
 * only ever grows (even after deletes), so it is the per-client increasing sequence the sync
 * protocol needs. The mutation is validated against the protocol schema when it is pushed.
 */
export interface OutboxEntry<M = unknown> {
	seq: number;
	mutation: M;
	createdAt: number;
}

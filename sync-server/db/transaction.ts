// Write transactions for the contribution data. SQLite runs one writer at a time (the driver
// begins IMMEDIATE, so a transaction holds the write lock from its first statement). PostgreSQL
// runs writers concurrently: a transaction locks the rows it decides on (`lockRows`), and one
// that deadlocks with another or fails serialization is retried whole — it applied nothing.
import { sql, type Transaction } from 'kysely';
import type { HearthDatabase } from './database';
import type { Tables } from './schema';

export type Trx = Transaction<Tables>;

const MAX_ATTEMPTS = 6;

// deadlock_detected, serialization_failure (PostgreSQL); a busy database past busy_timeout.
const transientCodes = new Set(['40P01', '40001', 'SQLITE_BUSY']);

export function isTransientDatabaseError(error: unknown): boolean {
	return transientCodes.has((error as { code?: string } | null)?.code ?? '');
}

export async function inWriteTransaction<T>(
	database: HearthDatabase,
	work: (trx: Trx) => Promise<T>
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await database.db.transaction().execute(work);
		} catch (error) {
			if (attempt >= MAX_ATTEMPTS || !isTransientDatabaseError(error)) throw error;
			// Back off a little, randomly, so the two transactions that collided do not collide again.
			await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
		}
	}
}

type LockableTable = 'clients' | 'trees' | 'users';

/**
 * Locks rows until the transaction ends (PostgreSQL `FOR UPDATE`), in id order so that two
 * transactions locking the same rows cannot deadlock on them. On SQLite the write lock the
 * transaction already holds covers every row.
 */
export async function lockRows(
	trx: Trx,
	database: HearthDatabase,
	table: LockableTable,
	ids: readonly string[]
): Promise<void> {
	if (database.dialect !== 'postgres' || ids.length === 0) return;
	const sorted = [...new Set(ids)].sort();
	await sql`select id from ${sql.table(table)} where id in (${sql.join(sorted)}) order by id for update`.execute(
		trx
	);
}

/** A lock on a name (PostgreSQL advisory lock), e.g. one language's prompt lottery. */
export async function lockName(trx: Trx, database: HearthDatabase, name: string): Promise<void> {
	if (database.dialect !== 'postgres') return;
	await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
}

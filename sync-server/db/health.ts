// Whether the database answers a trivial query, and which schema it is on.
import { sql } from 'kysely';
import type { DatabaseHealth } from '../../src/lib/protocol/health';
import type { HearthDatabase } from './database';
import { currentMigration } from './migrate';

export async function databaseHealth(database: HearthDatabase): Promise<DatabaseHealth> {
	try {
		await sql`select 1`.execute(database.db);
		return { dialect: database.dialect, ok: true, migration: await currentMigration(database.db) };
	} catch {
		return { dialect: database.dialect, ok: false, migration: null };
	}
}

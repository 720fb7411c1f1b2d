// Brings a database to the newest schema at start. Safe to run on every start and from several
// processes at once: Kysely records applied migrations and takes a lock while it works.
import { Migrator, type Kysely, type Migration } from 'kysely';
import { migrations } from './migrations/index';

/** `source` is the list of migrations; tests pass their own to check failure handling. */
export function migrator<DB>(
	db: Kysely<DB>,
	source: Record<string, Migration> = migrations
): Migrator {
	return new Migrator({ db, provider: { getMigrations: () => Promise.resolve(source) } });
}

export class MigrationFailed extends Error {
	/** `name` is null when the database could not be reached or locked before any migration. */
	constructor(name: string | null, cause: unknown) {
		const reason = cause instanceof Error ? cause.message : String(cause);
		super(
			name
				? `database migration ${name} failed: ${reason}`
				: `cannot migrate the database: ${reason}`,
			{
				cause
			}
		);
	}
}

/** Applies every pending migration; returns the names applied (empty when already current). */
export async function migrateToLatest<DB>(
	db: Kysely<DB>,
	source: Record<string, Migration> = migrations
): Promise<string[]> {
	const { error, results = [] } = await migrator(db, source).migrateToLatest();
	if (error) {
		const failed = results.find((r) => r.status === 'Error')?.migrationName ?? null;
		throw new MigrationFailed(failed, error);
	}
	return results.map((r) => r.migrationName);
}

/** The newest applied migration's name, or null on an empty database. */
export async function currentMigration<DB>(db: Kysely<DB>): Promise<string | null> {
	const applied = (await migrator(db).getMigrations()).filter((m) => m.executedAt !== undefined);
	return applied.at(-1)?.name ?? null;
}

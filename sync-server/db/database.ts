// Opens the server's database: an embedded SQLite file by default, PostgreSQL when a URL is
// given. Both behind one Kysely instance, so queries are written once.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
	CompiledQuery,
	Kysely,
	PostgresDialect,
	SqliteAdapter,
	SqliteDialect,
	SqliteDriver,
	type DatabaseConnection,
	type SqliteDialectConfig
} from 'kysely';
import pg from 'pg';
import type { DatabaseDialect } from '../../src/lib/protocol/health';
import type { Tables } from './schema';

export type DatabaseConfig =
	{ dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface HearthDatabase {
	db: Kysely<Tables>;
	dialect: DatabaseDialect;
	close(): Promise<void>;
}

export function openDatabase(config: DatabaseConfig): HearthDatabase {
	const db = new Kysely<Tables>({
		dialect: config.dialect === 'sqlite' ? sqliteDialect(config.file) : postgresDialect(config.url)
	});
	return { db, dialect: config.dialect, close: () => db.destroy() };
}

function sqliteDialect(file: string): SqliteDialect {
	mkdirSync(dirname(file), { recursive: true });
	const database = new SQLite(file);
	// WAL lets readers run during a write; FULL syncs the log on every commit, so an
	// acknowledged push survives a power cut, not only a killed process.
	database.pragma('journal_mode = WAL');
	database.pragma('synchronous = FULL');
	// Another process (an admin CLI, a backup) holding the write lock makes us wait, not fail.
	database.pragma('busy_timeout = 5000');
	database.pragma('foreign_keys = ON');
	const config: SqliteDialectConfig = { database };
	return new (class extends SqliteDialect {
		override createDriver() {
			return new ImmediateTransactionDriver(config);
		}
		override createAdapter() {
			return new TransactionalDdlAdapter();
		}
	})(config);
}

// Kysely begins SQLite transactions DEFERRED: a transaction that reads, then writes (a push
// reading lastSeq, a migration reading its table) can find that another process wrote in
// between and fail without waiting. IMMEDIATE takes the write lock first, so a second process
// (two servers starting, an admin command) waits its turn under busy_timeout instead.
class ImmediateTransactionDriver extends SqliteDriver {
	override async beginTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('begin immediate'));
	}
}

// SQLite's DDL is transactional, but Kysely's adapter says otherwise (kysely#56), so its
// Migrator would run SQLite migrations outside any transaction and without a lock (kysely#729):
// a failed migration would leave half a schema, and two servers starting together would both
// apply it. Declaring it lets each migration run in one IMMEDIATE transaction. The catch:
// `pragma foreign_keys` cannot change inside one; a migration rebuilding a table uses
// `pragma defer_foreign_keys = on` instead.
class TransactionalDdlAdapter extends SqliteAdapter {
	override get supportsTransactionalDdl(): boolean {
		return true;
	}
}

// PostgreSQL's bigint (int8) arrives as a string by default, because it can exceed 2^53. Our
// bigints are epoch milliseconds, seqs and counts, far below that, and SQLite returns them as
// numbers: parsing them here keeps row types identical on both dialects.
const INT8_OID = 20;
const pgTypes = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === INT8_OID && format !== 'binary'
			? (value: string) => Number(value)
			: pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser
};

function postgresDialect(url: string): PostgresDialect {
	return new PostgresDialect({
		pool: new pg.Pool({ connectionString: url, max: 10, types: pgTypes })
	});
}

/** Where the data lives, for people reading the server's output; a URL's password is hidden. */
export function describeDatabase(config: DatabaseConfig): string {
	if (config.dialect === 'sqlite') return `SQLite at ${config.file}`;
	const url = new URL(config.url);
	if (url.password) url.password = '***';
	return `PostgreSQL at ${url.toString()}`;
}

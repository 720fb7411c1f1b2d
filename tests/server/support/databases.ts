// A fresh, empty database per suite, on either dialect, so suites running in parallel never
// see each other's rows. PostgreSQL databases are created on the server the global setup
// started (see postgres.global-setup.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../../sync-server/db/database';
import { databaseDialects, type DatabaseDialect } from '../../../src/lib/protocol/health';
import { adminQuery } from './admin-query';

/** For `describe.each(dialects)`: every server suite runs on both. */
export const dialects: readonly DatabaseDialect[] = databaseDialects;

export interface TestDatabase {
	config: DatabaseConfig;
	/** Deletes the database (close every connection to it first). */
	drop(): Promise<void>;
}

export async function createTestDatabase(dialect: DatabaseDialect): Promise<TestDatabase> {
	if (dialect === 'sqlite') {
		const dir = mkdtempSync(join(tmpdir(), 'hearth-sqlite-'));
		return {
			config: { dialect, file: join(dir, 'hearth.sqlite') },
			drop: async () => rmSync(dir, { recursive: true, force: true })
		};
	}
	const server = inject('postgresUrl');
	const name = `hearth_${randomBytes(6).toString('hex')}`;
	await adminQuery(server, `CREATE DATABASE ${name}`);
	const url = new URL(server);
	url.pathname = `/${name}`;
	return {
		config: { dialect, url: url.toString() },
		drop: () => dropWhenClosed(server, name)
	};
}

// pg's Pool.end() resolves before its sockets have closed. DROP ... WITH (FORCE) would kill
// those sessions mid-goodbye and their clients would raise an unhandled error, so wait until
// PostgreSQL has let them go.
async function dropWhenClosed(server: string, name: string): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		try {
			await adminQuery(server, `DROP DATABASE IF EXISTS ${name}`);
			return;
		} catch (error) {
			const inUse = (error as { code?: string }).code === '55006';
			if (!inUse || attempt === 50) throw error;
			await new Promise((r) => setTimeout(r, 20));
		}
	}
}

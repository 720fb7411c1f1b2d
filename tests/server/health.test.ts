import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthResponseSchema } from '../../src/lib/protocol/health';
import { openDatabase } from '../../sync-server/db/database';
import { databaseHealth } from '../../sync-server/db/health';
import { migrateToLatest } from '../../sync-server/db/migrate';
import { migrations } from '../../sync-server/db/migrations/index';
import { createTestDatabase, dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const latestMigration = Object.keys(migrations).at(-1);

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe.each(dialects)('GET /api/health on %s', (dialect) => {
	let t: TestApp;
	beforeAll(async () => {
		t = await createTestApp(dialect);
	});
	afterAll(() => t.close());

	it('reports the package version, the dialect and the applied migration', async () => {
		const res = await t.app.inject({ method: 'GET', url: '/api/health' });
		expect(res.statusCode).toBe(200);
		expect(res.headers['cache-control']).toBe('no-store');
		expect(healthResponseSchema.parse(res.json())).toEqual({
			status: 'ok',
			version,
			database: { dialect, ok: true, migration: latestMigration }
		});
	});
});

describe.each(dialects)('database health on %s', (dialect) => {
	it('says the database is down once it stops answering', async () => {
		const testDb = await createTestDatabase(dialect);
		const database = openDatabase(testDb.config);
		await migrateToLatest(database.db);
		expect(await databaseHealth(database)).toEqual({
			dialect,
			ok: true,
			migration: latestMigration
		});
		await database.close();
		expect(await databaseHealth(database)).toEqual({ dialect, ok: false, migration: null });
		await testDb.drop();
	});
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { NO_MIGRATIONS, sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import { currentMigration, migrateToLatest, migrator } from '../../sync-server/db/migrate';
import { migrations } from '../../sync-server/db/migrations/index';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

/** Starts a second "server" process on the same database, ready to migrate on `go()`. */
async function childStart(testDb: TestDatabase): Promise<{ go(): Promise<string[]> }> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'tests/server/support/migrate-once.ts', JSON.stringify(testDb.config)],
		{
			stdio: ['pipe', 'pipe', 'inherit']
		}
	);
	const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
	expect((await lines.next()).value).toBe('ready');
	return {
		async go() {
			child.stdin.write('go\n');
			const applied = (await lines.next()).value as string;
			const [code] = await once(child, 'exit');
			expect(code).toBe(0);
			return JSON.parse(applied) as string[];
		}
	};
}

it('lists every migration file in the index, in file-name order', () => {
	const files = readdirSync('sync-server/db/migrations')
		.filter((f) => /^\d{4}_.*\.ts$/.test(f))
		.map((f) => f.replace(/\.ts$/, ''))
		.sort();
	expect(Object.keys(migrations)).toEqual(files);
});

describe.each(dialects)('migrations on %s', (dialect) => {
	let testDb: TestDatabase;
	let database: HearthDatabase;
	beforeEach(async () => {
		testDb = await createTestDatabase(dialect);
		database = openDatabase(testDb.config);
	});
	afterEach(async () => {
		await database.close();
		await testDb.drop();
	});

	it('applies every migration once; running again changes nothing', async () => {
		const all = Object.keys(migrations);
		expect(await currentMigration(database.db)).toBeNull();
		expect(await migrateToLatest(database.db)).toEqual(all);
		expect(await migrateToLatest(database.db)).toEqual([]);
		expect(await currentMigration(database.db)).toBe(all.at(-1));
	});

	it('is idempotent across a restart', async () => {
		expect(await migrateToLatest(database.db)).toEqual(Object.keys(migrations));
		await database.close();
		database = openDatabase(testDb.config);
		expect(await migrateToLatest(database.db)).toEqual([]);
	});

	it('lets two servers start at once: one applies everything, the other waits and applies nothing', async () => {
		const children = await Promise.all([childStart(testDb), childStart(testDb)]);
		const starts = await Promise.all(children.map((c) => c.go()));
		expect(starts.flat()).toEqual(Object.keys(migrations));
		expect(await currentMigration(database.db)).toBe(Object.keys(migrations).at(-1));
	});

	it('migrates down to empty and up again', async () => {
		await migrateToLatest(database.db);
		const { error } = await migrator(database.db).migrateTo(NO_MIGRATIONS);
		expect(error).toBeUndefined();
		expect(await currentMigration(database.db)).toBeNull();
		expect(await migrateToLatest(database.db)).toEqual(Object.keys(migrations));
	});

	it('rolls back a failing migration completely and names it', async () => {
		await migrateToLatest(database.db);
		const broken = {
			...migrations,
			'9999_broken': {
				async up(db: Kysely<unknown>) {
					await db.schema.createTable('half_done').addColumn('id', 'text').execute();
					await sql`insert into no_such_table values (1)`.execute(db);
				}
			}
		};
		await expect(migrateToLatest(database.db, broken)).rejects.toThrow(
			/database migration 9999_broken failed: .*no_such_table/
		);
		const tables = (await database.db.introspection.getTables()).map((t) => t.name);
		expect(tables).toContain('users');
		expect(tables).not.toContain('half_done');
		expect(await currentMigration(database.db)).toBe(Object.keys(migrations).at(-1));
	});

	describe('the initial schema', () => {
		beforeEach(() => migrateToLatest(database.db));

		async function seedClient(): Promise<void> {
			const { db } = database;
			await db
				.insertInto('users')
				.values({ id: 'u1', display_name: 'Ada', created_at: 1 })
				.execute();
			await db
				.insertInto('devices')
				.values({ id: 'd1', user_id: 'u1', token_hash: 'h1', created_at: 2, last_seen_at: null })
				.execute();
			await db.insertInto('clients').values({ id: 'c1', device_id: 'd1', created_at: 3 }).execute();
		}

		it('stores a push log with numbers coming back as numbers on both dialects', async () => {
			await seedClient();
			const { db } = database;
			const processedAt = Date.UTC(2030, 0, 1);
			await db
				.insertInto('mutations')
				.values({
					client_id: 'c1',
					seq: 1,
					name: 'createPrompt',
					args: '{}',
					status: 'applied',
					reason: null,
					processed_at: processedAt
				})
				.execute();
			await db.updateTable('clients').set({ last_seq: 1 }).where('id', '=', 'c1').execute();
			const user = await db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
			expect(user.role).toBe('contributor');
			const client = await db.selectFrom('clients').selectAll().executeTakeFirstOrThrow();
			expect(client).toEqual({ id: 'c1', device_id: 'd1', last_seq: 1, created_at: 3 });
			const mutation = await db
				.selectFrom('mutations')
				.select(['seq', 'processed_at'])
				.executeTakeFirstOrThrow();
			expect(mutation).toEqual({ seq: 1, processed_at: processedAt });
		});

		it('refuses a second entry with the same client and seq', async () => {
			await seedClient();
			const entry = {
				client_id: 'c1',
				seq: 7,
				name: 'x',
				args: '{}',
				status: 'applied',
				reason: null,
				processed_at: 1
			} as const;
			await database.db.insertInto('mutations').values(entry).execute();
			await expect(database.db.insertInto('mutations').values(entry).execute()).rejects.toThrow();
		});

		it('enforces foreign keys', async () => {
			await expect(
				database.db
					.insertInto('devices')
					.values({
						id: 'd9',
						user_id: 'nobody',
						token_hash: 'h9',
						created_at: 1,
						last_seen_at: null
					})
					.execute()
			).rejects.toThrow(/foreign key/i);
		});

		it('refuses an unknown role and a duplicate token hash', async () => {
			await seedClient();
			await expect(
				sql`insert into users (id, display_name, role, created_at) values ('u2', 'Bob', 'overlord', 1)`.execute(
					database.db
				)
			).rejects.toThrow(/check/i);
			await expect(
				database.db
					.insertInto('devices')
					.values({ id: 'd2', user_id: 'u1', token_hash: 'h1', created_at: 1, last_seen_at: null })
					.execute()
			).rejects.toThrow(/unique/i);
		});

		it('deleting a user removes their devices, clients and push log', async () => {
			await seedClient();
			const { db } = database;
			await db
				.insertInto('mutations')
				.values({
					client_id: 'c1',
					seq: 1,
					name: 'x',
					args: '{}',
					status: 'rejected',
					reason: 'bad',
					processed_at: 1
				})
				.execute();
			await db.deleteFrom('users').where('id', '=', 'u1').execute();
			for (const table of ['devices', 'clients', 'mutations'] as const) {
				const { n } = await db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow();
				expect(n, table).toBe(0);
			}
		});
	});
});

describe('SQLite settings', () => {
	it('runs in WAL mode with foreign keys, a busy timeout and full sync', async () => {
		const testDb = await createTestDatabase('sqlite');
		const database = openDatabase(testDb.config);
		try {
			const pragma = async (name: string) =>
				Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
			expect(await pragma('journal_mode')).toBe('wal');
			expect(await pragma('foreign_keys')).toBe(1);
			expect(await pragma('busy_timeout')).toBe(5000);
			// 2 = FULL
			expect(await pragma('synchronous')).toBe(2);
		} finally {
			await database.close();
			await testDb.drop();
		}
	});
});

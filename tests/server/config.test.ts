import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { healthResponseSchema } from '../../src/lib/protocol/health';
import { ConfigError, DEFAULT_BODY_LIMIT_BYTES, loadConfig } from '../../sync-server/config';
import { migrations } from '../../sync-server/db/migrations/index';
import { createTestDatabase, dialects } from './support/databases';
import { writeFakeBuild } from './support/fake-build';

const latestMigration = Object.keys(migrations).at(-1);

describe('loadConfig', () => {
	it('needs nothing: port 8787 on localhost, SQLite under ./data, ./build and ./registry', () => {
		expect(loadConfig({}, '/srv/hearth')).toEqual({
			port: 8787,
			host: 'localhost',
			database: { dialect: 'sqlite', file: '/srv/hearth/data/hearth.sqlite' },
			staticDir: '/srv/hearth/build',
			registryDir: '/srv/hearth/registry',
			bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
			logLevel: 'warn'
		});
	});

	it('reads every variable, resolving relative paths against the working directory', () => {
		const config = loadConfig(
			{
				PORT: '9000',
				HOST: '0.0.0.0',
				HEARTH_DATA_DIR: 'var/db',
				DATABASE_URL: 'postgresql://hearth:secret@db.internal:5432/hearth',
				HEARTH_STATIC_DIR: '/opt/app',
				HEARTH_REGISTRY_DIR: '../models',
				HEARTH_LOG_LEVEL: 'info'
			},
			'/srv/hearth'
		);
		expect(config).toMatchObject({
			port: 9000,
			host: '0.0.0.0',
			database: { dialect: 'postgres', url: 'postgresql://hearth:secret@db.internal:5432/hearth' },
			staticDir: '/opt/app',
			registryDir: '/srv/models',
			logLevel: 'info'
		});
	});

	it('treats an empty variable as unset', () => {
		expect(loadConfig({ PORT: '', DATABASE_URL: '' }, '/x')).toMatchObject({
			port: 8787,
			database: { dialect: 'sqlite' }
		});
	});

	it.each([
		[{ PORT: 'eighty' }, /^invalid configuration: PORT must be a number \(got "eighty"\)$/],
		[{ PORT: '70000' }, /PORT must be from 0 to 65535 \(got "70000"\)/],
		[{ PORT: '80.5' }, /PORT must be a whole number/],
		[{ HOST: '   ' }, /HOST must not be empty/],
		[
			{ HEARTH_LOG_LEVEL: 'loud' },
			/HEARTH_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/
		],
		[
			{ DATABASE_URL: 'mysql://root:pw@localhost/db' },
			/^invalid configuration: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/
		]
	])('refuses %o naming the variable', (env, message) => {
		expect(() => loadConfig(env, '/x')).toThrow(ConfigError);
		expect(() => loadConfig(env, '/x')).toThrow(message);
	});

	it('reports every bad variable at once', () => {
		expect(() => loadConfig({ PORT: '-1', HEARTH_LOG_LEVEL: 'x' }, '/x')).toThrow(
			/PORT .*; HEARTH_LOG_LEVEL /
		);
	});

	it('never echoes a database URL, which may hold a password', () => {
		expect(() => loadConfig({ DATABASE_URL: 'mongodb://admin:hunter2@h/db' }, '/x')).toThrow(
			expect.objectContaining({ message: expect.not.stringContaining('hunter2') })
		);
	});
});

/** Runs `sync-server/main.ts` as `npm run server` would. */
function startMain(env: Record<string, string>) {
	return spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
		env: { PATH: process.env.PATH, HEARTH_LOG_LEVEL: 'warn', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

describe('sync-server/main.ts', () => {
	it('stops with exit code 2 and a message naming the bad variable', async () => {
		const child = startMain({ PORT: 'abc' });
		let stderr = '';
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
		const [code] = await once(child, 'exit');
		expect(code).toBe(2);
		expect(stderr.trim()).toBe('hearth: invalid configuration: PORT must be a number (got "abc")');
	});

	it('says which database it cannot reach, without its password', async () => {
		const child = startMain({
			PORT: '0',
			DATABASE_URL: 'postgresql://hearth:hunter2@127.0.0.1:1/none'
		});
		let stderr = '';
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
		const [code] = await once(child, 'exit');
		expect(code).toBe(1);
		expect(stderr).toMatch(
			/^hearth: PostgreSQL at postgresql:\/\/hearth:\*\*\*@127\.0\.0\.1:1\/none: cannot migrate the database: .*ECONNREFUSED/
		);
		expect(stderr).not.toContain('hunter2');
	});

	describe.each(dialects)('on %s', (dialect) => {
		it('prints the URL, serves health and the app there, and exits cleanly on SIGTERM', async () => {
			const testDb = await createTestDatabase(dialect);
			const dataDir = mkdtempSync(join(tmpdir(), 'hearth-data-'));
			const staticDir = writeFakeBuild();
			const child = startMain({
				PORT: '0',
				HEARTH_DATA_DIR: dataDir,
				HEARTH_STATIC_DIR: staticDir,
				...(testDb.config.dialect === 'postgres' ? { DATABASE_URL: testDb.config.url } : {})
			});
			try {
				const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
				const first = (await lines.next()).value as string;
				const url = first.match(/^Hearth is running at (http:\/\/localhost:\d+\/)$/)?.[1];
				expect(url, first).toBeDefined();
				const health = healthResponseSchema.parse(await (await fetch(`${url}api/health`)).json());
				expect(health.database).toEqual({ dialect, ok: true, migration: latestMigration });
				const page = await fetch(`${url}chat`, { headers: { accept: 'text/html' } });
				expect(page.status).toBe(200);
				expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
				await page.text();
				child.kill('SIGTERM');
				const [code] = await once(child, 'exit');
				expect(code).toBe(0);
			} finally {
				if (child.exitCode === null) child.kill('SIGKILL');
				await testDb.drop();
				rmSync(dataDir, { recursive: true, force: true });
				rmSync(staticDir, { recursive: true, force: true });
			}
		});
	});
});

// Starts a throw-away PostgreSQL for the server suites: initdb into a temporary directory,
// `postgres` on a free port (its socket in the same directory), one database, and everything
// removed afterwards. Set HEARTH_TEST_POSTGRES_URL to use an existing server instead.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { postgresBinDir } from '../../scripts/setup.mjs';
import { adminQuery } from './support/admin-query';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A database the suites may use and create further databases from. */
		postgresUrl: string;
	}
}

const READY_TIMEOUT_MS = 30_000;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
	const external = process.env.HEARTH_TEST_POSTGRES_URL;
	if (external) {
		project.provide('postgresUrl', external);
		return;
	}
	const bin = postgresBinDir();
	if (!bin) {
		throw new Error(
			'server tests need PostgreSQL: no initdb under /usr/lib/postgresql/*/bin. ' +
				'Install it with `apt-get install postgresql` (npm test does this when run as root), ' +
				'or set HEARTH_TEST_POSTGRES_URL to an existing server.'
		);
	}
	const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-'));
	const owner = serverOwner();
	if (owner) chownSync(dir, owner.uid, owner.gid);
	const dataDir = join(dir, 'data');
	const asOwner = (program: string, args: string[]): [string, string[]] =>
		owner
			? [
					'setpriv',
					['--reuid=postgres', '--regid=postgres', '--init-groups', '--', program, ...args]
				]
			: [program, args];

	let server: ChildProcess | undefined;
	const teardown = async () => {
		if (server && server.exitCode === null) await stop(server);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		execFileSync(
			...asOwner(join(bin, 'initdb'), [
				'-D',
				dataDir,
				'-U',
				'postgres',
				'--auth=trust',
				'-E',
				'UTF8',
				'--no-locale',
				'--no-sync'
			]),
			{ stdio: 'pipe' }
		);
		const port = await freePort();
		// Durability is not under test here (the tests kill our server, not PostgreSQL), so skip
		// fsync for speed.
		server = spawn(
			...asOwner(join(bin, 'postgres'), [
				'-D',
				dataDir,
				'-p',
				String(port),
				'-k',
				dir,
				'-h',
				'127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off'
			]),
			{ stdio: ['ignore', 'ignore', 'pipe'] }
		);
		let log = '';
		server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
		const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
		await waitUntilReady(adminUrl, server, () => log);
		await adminQuery(adminUrl, 'CREATE DATABASE hearth_test');
		project.provide('postgresUrl', `postgresql://postgres@127.0.0.1:${port}/hearth_test`);
	} catch (error) {
		await teardown();
		throw error;
	}
	return teardown;
}

/** initdb and postgres refuse to run as root; as root we run them as Debian's `postgres` user. */
function serverOwner(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	const id = (flag: string) =>
		Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}

async function waitUntilReady(url: string, server: ChildProcess, log: () => string): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (server.exitCode !== null)
			throw new Error(`postgres exited with ${server.exitCode}:\n${log()}`);
		try {
			await adminQuery(url, 'SELECT 1');
			return;
		} catch (error) {
			if (Date.now() > deadline) {
				throw new Error(
					`postgres did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${error}\n${log()}`,
					{ cause: error }
				);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}

/** Fast shutdown (SIGINT): PostgreSQL ends sessions and exits; SIGKILL if it hangs. */
function stop(server: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		const killer = setTimeout(() => server.kill('SIGKILL'), 10_000);
		server.once('exit', () => {
			clearTimeout(killer);
			resolve();
		});
		server.kill('SIGINT');
	});
}

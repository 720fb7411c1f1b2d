// The operator's command line (`npm run admin`) against a test server's database.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HearthServer } from './hearth-server';

/** Runs `npm run admin -- <args>` on the server's SQLite database; resolves to what it printed. */
export function adminCli(server: Pick<HearthServer, 'dataDir'>, ...args: string[]): string {
	return execFileSync(process.execPath, ['--import', 'tsx', 'sync-server/admin-cli.ts', ...args], {
		env: {
			...process.env,
			NODE_NO_WARNINGS: '1',
			HEARTH_DATA_DIR: server.dataDir,
			DATABASE_URL: ''
		},
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8'
	});
}

/** A trainer token made by the operator: it may read exports. */
export function trainerToken(server: Pick<HearthServer, 'dataDir'>, name: string): string {
	return adminCli(server, 'trainer-token', 'create', name).trim().split('\n').at(-1)!;
}

/** Imports oasst tree lines into the server's database, as the operator would. */
export function importTrees(server: Pick<HearthServer, 'dataDir'>, trees: readonly object[]): void {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-import-'));
	const file = join(dir, 'trees.jsonl');
	writeFileSync(file, trees.map((t) => JSON.stringify(t)).join('\n') + '\n');
	try {
		adminCli(server, 'import', file);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// A small simulated crowd (scripts/crowd-sim.ts) works through the real HTTP API until trees
// are ready for export; the export validates against the oasst schema (ours and the training
// pipeline's reader), and imported into a fresh server with the admin CLI it exports the same.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	oasstTreeLineSchema,
	type OasstTreeLine,
	type OasstTreeNode
} from '../../src/lib/protocol/export';
import { moderatorTreeSchema } from '../../src/lib/protocol/moderation';
import { openDatabase, type DatabaseConfig } from '../../sync-server/db/database';
import { readTrees } from '../../training/datasets/read-trees';
import { CrowdSetupError, runCrowd } from '../../scripts/crowd-sim';
import { ADMIN_TOKEN, Contributor, smallTrees, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const run = promisify(execFile);

/** The environment that points the admin CLI at a test database. */
function cliEnv(database: DatabaseConfig): NodeJS.ProcessEnv {
	return {
		...process.env,
		HEARTH_TREE_CONFIG: JSON.stringify(smallTrees),
		...(database.dialect === 'sqlite'
			? { HEARTH_DATA_DIR: dirname(database.file), DATABASE_URL: '' }
			: { DATABASE_URL: database.url })
	};
}

const nodeFields = [
	'message_id',
	'parent_id',
	'user_id',
	'created_date',
	'text',
	'role',
	'lang',
	'review_count',
	'review_result',
	'deleted',
	'rank',
	'synthetic',
	'model_name',
	'emojis',
	'labels',
	'replies'
];

function nodes(node: OasstTreeNode): OasstTreeNode[] {
	return [node, ...node.replies.flatMap(nodes)];
}

describe.each(dialects)('a simulated crowd on %s', (dialect) => {
	let t: TestApp;
	let fresh: TestApp;
	let dir: string;
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		fresh = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		dir = mkdtempSync(join(tmpdir(), 'hearth-crowd-'));
	});
	afterAll(async () => {
		await t.close();
		await fresh.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('takes trees from their prompts to export, and the export round-trips through import', async () => {
		const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
		const report = await runCrowd({
			baseUrl: address,
			contributors: 6,
			trees: 2,
			seed: 7,
			spammers: 1,
			rounds: 80,
			batch: 4,
			lang: 'en',
			adminToken: ADMIN_TOKEN
		});
		expect(report.readyTrees).toBeGreaterThanOrEqual(2);
		expect(report.applied).toBeGreaterThan(20);

		const admin = await Contributor.register(t.app);
		await admin.claimAdmin();
		const exported = await admin.request('GET', '/api/export?format=trees');
		expect(exported.statusCode).toBe(200);
		expect(exported.headers['content-type']).toContain('application/x-ndjson');
		const lines = exported.body.trim().split('\n');
		const trees = lines.map((line) =>
			oasstTreeLineSchema.parse(JSON.parse(line))
		) as OasstTreeLine[];
		expect(trees.length).toBe(report.readyTrees);

		// The training pipeline's reader takes it as it is.
		const file = join(dir, 'export.jsonl');
		writeFileSync(file, exported.body);
		expect(readTrees(file).map((tree) => tree.message_tree_id)).toEqual(
			trees.map((tree) => tree.message_tree_id)
		);

		for (const tree of trees) {
			expect(tree.tree_state).toBe('ready_for_export');
			for (const node of nodes(tree.prompt)) {
				expect(Object.keys(node).sort()).toEqual([...nodeFields].sort());
				expect(node.review_result).toBe(true);
				expect(node.text).not.toContain('BUY CHEAP WATCHES');
				// Every sibling set was ranked by consensus: ranks 0 … n−1.
				if (node.replies.length >= 2) {
					expect(node.replies.map((r) => r.rank).sort()).toEqual(node.replies.map((_, i) => i));
				}
			}
			expect(nodes(tree.prompt).length).toBeGreaterThanOrEqual(smallTrees.growth.goalTreeSize);
			const view = moderatorTreeSchema.parse(
				(await admin.request('GET', `/api/moderation/trees/${tree.message_tree_id}`)).json()
			);
			expect(view.events.map((e) => e.to)).toEqual([
				'initial_prompt_review',
				'prompt_lottery_waiting',
				'growing',
				'ranking',
				'ready_for_scoring',
				'ready_for_export'
			]);
		}

		// Everything, in every state, with deleted and spam, goes to a fresh server and back.
		const everything =
			'/api/export?format=trees&deleted=true&spam=true&state=' +
			'initial_prompt_review,prompt_lottery_waiting,growing,ranking,ready_for_scoring,' +
			'ready_for_export,aborted_low_grade,scoring_failed,halted_by_moderator,backlog_ranking';
		const full = await admin.request('GET', everything);
		const fullFile = join(dir, 'everything.jsonl');
		writeFileSync(fullFile, full.body);
		const { stdout } = await run(
			process.execPath,
			['--import', 'tsx', 'sync-server/admin-cli.ts', 'import', fullFile],
			{ env: cliEnv(fresh.config.database) }
		);
		expect(stdout).toMatch(/imported \d+ trees/);
		const freshAdmin = await Contributor.register(fresh.app);
		await freshAdmin.claimAdmin();
		const again = await freshAdmin.request('GET', everything);
		expect(again.body).toBe(full.body);
		// Rejected spam is kept in the full export, and filtered from the default one.
		expect(full.body).toContain('BUY CHEAP WATCHES');
	});
});

describe('crowd-sim on a server it cannot use', () => {
	let t: TestApp;
	let address: string;
	beforeAll(async () => {
		t = await createTestApp('sqlite', {
			overrides: { service: serviceOptions({ adminToken: null }) }
		});
		address = await t.app.listen({ port: 0, host: '127.0.0.1' });
	});
	afterAll(() => t.close());

	const crowd = (adminToken: string) =>
		runCrowd({
			baseUrl: address,
			contributors: 3,
			trees: 1,
			seed: 1,
			spammers: 0,
			rounds: 1,
			batch: 1,
			lang: 'en',
			adminToken
		});

	it('says how to start a server for it, before any simulated contributor exists', async () => {
		const failure = crowd(ADMIN_TOKEN);
		await expect(failure).rejects.toThrow(CrowdSetupError);
		await expect(failure).rejects.toThrow(/started without HEARTH_ADMIN_TOKEN/);
		await expect(failure).rejects.toThrow(
			/HEARTH_ADMIN_TOKEN=<token> HEARTH_DATA_DIR=\.\/crowd-data PORT=8788 npm start/
		);
		await expect(failure).rejects.toThrow(/npm run admin -- demo-data load/);
		const database = openDatabase(t.config.database);
		try {
			const users = await database.db.selectFrom('users').select('display_name').execute();
			expect(users.map((u) => u.display_name)).toEqual(['sim-watcher']);
		} finally {
			await database.close();
		}
	});

	it('explains a missing token on the command line', async () => {
		const { HEARTH_ADMIN_TOKEN: _unset, ...env } = process.env;
		const result = await run(
			process.execPath,
			['--import', 'tsx', 'scripts/crowd-sim.ts', '--url', address],
			{ env }
		).then(
			() => ({ code: 0, stderr: '' }),
			(error: { code: number; stderr: string }) => error
		);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('crowd-sim: no admin token given.');
		expect(result.stderr).toContain('HEARTH_ADMIN_TOKEN=<token> npm run crowd-sim');
	});
});

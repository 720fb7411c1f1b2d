// Demo data through the operator's CLI: `demo-data load` gives a fresh server trees in every
// state, so a newcomer is offered every kind of task; the trees stay out of exports unless asked
// for, the demo accounts off the leaderboard; `demo-data remove` takes all of it away again,
// real work elsewhere untouched.
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderboardResponseSchema } from '../../src/lib/protocol/points';
import { taskTypes, type LabelTask } from '../../src/lib/protocol/tasks';
import { treeStates } from '../../src/lib/protocol/trees';
import { openDatabase, type DatabaseConfig } from '../../sync-server/db/database';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const run = promisify(execFile);

async function admin(database: DatabaseConfig, ...args: string[]) {
	return run(process.execPath, ['--import', 'tsx', 'sync-server/admin-cli.ts', ...args], {
		env: {
			...process.env,
			HEARTH_TREE_CONFIG: '',
			...(database.dialect === 'sqlite'
				? { HEARTH_DATA_DIR: dirname(database.file), DATABASE_URL: '' }
				: { DATABASE_URL: database.url })
		}
	}).then(
		({ stdout }) => ({ code: 0, stdout, stderr: '' }),
		(error: { code: number; stdout: string; stderr: string }) => error
	);
}

const everyState = `state=${treeStates.join(',')}`;

describe.each(dialects)('demo data on %s', (dialect) => {
	let t: TestApp;
	let mod: Contributor;
	beforeAll(async () => {
		// OpenAssistant's numbers, as `npm start` runs with (the CLI reads no HEARTH_TREE_CONFIG).
		t = await createTestApp(dialect, {
			overrides: { service: serviceOptions({ treeManager: {} }) }
		});
		mod = await Contributor.register(t.app, 'Mod');
		await mod.claimAdmin();
	});
	afterAll(() => t.close());

	async function count(sql: (db: ReturnType<typeof openDatabase>['db']) => Promise<number>) {
		const database = openDatabase(t.config.database);
		try {
			return await sql(database.db);
		} finally {
			await database.close();
		}
	}

	it('loads trees in every state that offer a newcomer every kind of task, and removes them', async () => {
		// Real work that must survive the removal.
		const writer = await Contributor.register(t.app, 'Writer');
		const { response } = await writer.pushNew({
			name: 'create_initial_prompt',
			args: { text: 'How do I repot a cactus without getting hurt?', lang: 'en' }
		});
		const [written] = response.results;
		const writerPrompt = written.status === 'applied' ? written.result.messageId : null;
		expect(writerPrompt).toBeTruthy();

		const loaded = await admin(t.config.database, 'demo-data', 'load');
		expect(loaded.stderr).toBe('');
		expect(loaded.stdout).toMatch(/loaded demo data: \d+ trees/);
		for (const state of treeStates) expect(loaded.stdout).toContain(state);

		const again = await admin(t.config.database, 'demo-data', 'load');
		expect(again.code).toBe(1);
		expect(again.stderr).toContain('demo data is already loaded');

		// Every kind of task, asked for by kind.
		const newcomer = await Contributor.register(t.app, 'Newcomer');
		for (const type of taskTypes) {
			const tasks = await newcomer.lease(1, type);
			expect(
				tasks.map((l) => l.task.type),
				type
			).toEqual([type]);
		}

		// Left out of exports unless asked for.
		const plain = await mod.request('GET', `/api/export?${everyState}&spam=true`);
		expect(plain.statusCode).toBe(200);
		expect(plain.body).not.toContain('hearth-demo');
		const withDemo = await mod.request('GET', `/api/export?${everyState}&spam=true&demo=true`);
		const demoLines = withDemo.body.trim().split('\n');
		expect(demoLines.length).toBeGreaterThanOrEqual(20);
		expect(new Set(demoLines.map((l) => JSON.parse(l).tree_state))).toEqual(new Set(treeStates));
		const cliDemo = await admin(
			t.config.database,
			'export',
			'--state',
			'ready_for_export',
			'--demo'
		);
		expect(cliDemo.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(3);

		// Reviews by real contributors accept a demo prompt: its demo author earns points, and the
		// leaderboard still shows only the real contributors.
		const reviewers = [await Contributor.register(t.app), await Contributor.register(t.app)];
		const held = await Promise.all(
			reviewers.map(async (r) =>
				(await r.lease(5, 'label_initial_prompt')).map((l) => l.task as LabelTask)
			)
		);
		const prompt = held[0].find(
			(x) => x.messageId !== writerPrompt && held[1].some((y) => y.messageId === x.messageId)
		)!.messageId;
		for (const [i, reviewer] of reviewers.entries()) {
			const task = held[i].find((x) => x.messageId === prompt)!;
			const { response } = await reviewer.pushNew({
				name: 'submit_task_result',
				args: {
					type: task.type,
					taskId: task.id,
					messageId: task.messageId,
					form: task.form,
					labels: { spam: 0, lang_mismatch: 0, quality: 0.75 }
				}
			});
			expect(response.results[0].status).toBe('applied');
		}
		const demoAwards = await count(async (db) =>
			Number(
				(
					await db
						.selectFrom('awards')
						.innerJoin('users', 'users.id', 'awards.user_id')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('users.demo', '=', 1)
						.executeTakeFirstOrThrow()
				).n
			)
		);
		expect(demoAwards).toBeGreaterThan(0);
		const board = leaderboardResponseSchema.parse(
			(await mod.request('GET', '/api/leaderboard?window=all&limit=100')).json()
		);
		expect(board.rows.length).toBeGreaterThan(0);
		expect(board.rows.some((r) => r.userId.startsWith('demo-'))).toBe(false);
		expect(board.rows.some((r) => r.displayName.endsWith('(demo)'))).toBe(false);

		const removed = await admin(t.config.database, 'demo-data', 'remove');
		expect(removed.stdout).toMatch(/removed demo data: \d+ trees, \d+ messages, 12 demo accounts/);
		const left = await count(async (db) => {
			const trees = await db.selectFrom('trees').select(['id', 'demo']).execute();
			const users = await db.selectFrom('users').select('id').where('demo', '=', 1).execute();
			const awards = await db.selectFrom('awards').select('user_id').distinct().execute();
			expect(trees.every((tree) => tree.demo === 0)).toBe(true);
			expect(users).toEqual([]);
			// The reviewers' points were for demo work: they go with it; the writer's stay.
			expect(awards).toEqual([{ user_id: writer.userId }]);
			return trees.length;
		});
		expect(left).toBe(1);
		const everything = await mod.request('GET', `/api/export?${everyState}&demo=true`);
		expect(everything.body).toContain('How do I repot a cactus');
		expect(everything.body.trim().split('\n')).toHaveLength(1);
		// The newcomer's leases on demo trees are gone from its device on the next pull.
		const leases = (await newcomer.pull()).leases.map((l) => l.task);
		expect(leases.map((task) => task.type)).toContain('initial_prompt');
		for (const task of leases) {
			if (task.type !== 'initial_prompt') expect(task.treeId).toBe(writerPrompt);
		}
		expect((await admin(t.config.database, 'demo-data', 'remove')).stdout).toContain(
			'no demo data to remove'
		);
	}, 120_000);
});

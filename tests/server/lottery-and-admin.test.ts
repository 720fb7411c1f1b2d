// The prompt lottery as the database sees it (accepted prompts wait for a free growing slot and
// win it when one frees up), and the operator's admin CLI.
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moderatorTreeSchema } from '../../src/lib/protocol/moderation';
import type { LabelTask } from '../../src/lib/protocol/tasks';
import type { DatabaseConfig } from '../../sync-server/db/database';
import { openDatabase } from '../../sync-server/db/database';
import { runLotteryNow } from '../../sync-server/trees/lottery-runner';
import { resolveServiceConfig } from '../../sync-server/service/service-config';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const run = promisify(execFile);

function cliEnv(database: DatabaseConfig): NodeJS.ProcessEnv {
	return {
		...process.env,
		...(database.dialect === 'sqlite'
			? { HEARTH_DATA_DIR: dirname(database.file), DATABASE_URL: '' }
			: { DATABASE_URL: database.url })
	};
}

async function admin(database: DatabaseConfig, ...args: string[]) {
	return run(process.execPath, ['--import', 'tsx', 'sync-server/admin-cli.ts', ...args], {
		env: cliEnv(database)
	}).then(
		({ stdout }) => ({ code: 0, stdout, stderr: '' }),
		(error: { code: number; stdout: string; stderr: string }) => error
	);
}

describe.each(dialects)('the prompt lottery and the admin CLI on %s', (dialect) => {
	let t: TestApp;
	let mod: Contributor;
	const options = serviceOptions({
		treeManager: { review: { requiredReviews: 1 }, lottery: { maxActiveTrees: 1 } }
	});
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: options } });
		mod = await Contributor.register(t.app, 'Mod');
		await mod.claimAdmin();
	});
	afterAll(() => t.close());

	const state = async (treeId: string) =>
		moderatorTreeSchema.parse((await mod.request('GET', `/api/moderation/trees/${treeId}`)).json());

	it('keeps accepted prompts waiting while the growing slots are full, and draws one when a slot frees', async () => {
		const author = await Contributor.register(t.app);
		const reviewer = await Contributor.register(t.app);
		const prompts: string[] = [];
		for (const text of ['First prompt', 'Second prompt']) {
			const { response } = await author.pushNew({
				name: 'create_initial_prompt',
				args: { text, lang: 'en' }
			});
			const [r] = response.results;
			prompts.push(r.status === 'applied' ? r.result.messageId! : '');
		}
		const tasks = (await reviewer.lease(5, 'label_initial_prompt')).map((l) => l.task as LabelTask);
		for (const prompt of prompts) {
			const task = tasks.find((x) => x.messageId === prompt)!;
			await reviewer.pushNew({
				name: 'submit_task_result',
				args: {
					type: task.type,
					taskId: task.id,
					messageId: prompt,
					form: task.form,
					labels: { spam: 0, lang_mismatch: 0 }
				}
			});
		}
		expect((await state(prompts[0])).state).toBe('growing');
		expect((await state(prompts[1])).state).toBe('prompt_lottery_waiting');

		// The timer's run changes nothing while the slot is taken.
		const database = openDatabase(t.config.database);
		try {
			expect(await runLotteryNow({ database, config: resolveServiceConfig(options) })).toEqual([]);
		} finally {
			await database.close();
		}

		await mod.request('POST', `/api/moderation/trees/${prompts[0]}/halt`, { reason: 'make room' });
		const second = await state(prompts[1]);
		expect(second.state).toBe('growing');
		expect(second.events.at(-1)).toMatchObject({ to: 'growing', reason: 'won the prompt lottery' });
	});

	it('promotes users from the command line and explains its usage', async () => {
		const someone = await Contributor.register(t.app);
		const promoted = await admin(
			t.config.database,
			'promote',
			someone.userId,
			'--role',
			'moderator'
		);
		expect(promoted.stdout).toContain(`${someone.userId} is now moderator`);
		expect((await someone.request('GET', '/api/moderation/flagged')).statusCode).toBe(200);

		const unknown = await admin(t.config.database, 'promote', 'no-such-user');
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no user no-such-user');
		const usage = await admin(t.config.database, 'frobnicate');
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('usage: npm run admin -- <command>');
		const badRole = await admin(t.config.database, 'promote', someone.userId, '--role', 'king');
		expect(badRole.code).toBe(2);
	});

	it('exports from the command line with the same filters as the API', async () => {
		const api = await mod.request(
			'GET',
			'/api/export?state=growing,halted_by_moderator&format=messages'
		);
		const cli = await admin(
			t.config.database,
			'export',
			'--state',
			'growing,halted_by_moderator',
			'--format',
			'messages'
		);
		expect(cli.stdout).toBe(api.body);
		expect(cli.stdout.trim().split('\n')).toHaveLength(2);
		const bad = await admin(t.config.database, 'export', '--format', 'xml');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('option.format');
	});

	it('makes and revokes trainer tokens from the command line', async () => {
		const name = `box-${dialect}`;
		const created = await admin(t.config.database, 'trainer-token', 'create', name);
		expect(created.code).toBe(0);
		const token = created.stdout.trim().split('\n').at(-1)!;
		const exportWith = (bearer: string) =>
			t.app.inject({
				method: 'GET',
				url: '/api/export?format=trees',
				headers: { authorization: `Bearer ${bearer}` }
			});
		expect((await exportWith(token)).statusCode).toBe(200);

		const again = await admin(t.config.database, 'trainer-token', 'create', name);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain(`a trainer named ${name} exists`);
		const badName = await admin(t.config.database, 'trainer-token', 'create', 'Big Box');
		expect(badName.code).toBe(1);
		expect((await admin(t.config.database, 'trainer-token', 'rotate', name)).code).toBe(2);

		const revoked = await admin(t.config.database, 'trainer-token', 'revoke', name);
		expect(revoked.stdout).toContain(`revoked trainer ${name}`);
		expect((await exportWith(token)).statusCode).toBe(401);
	});
});

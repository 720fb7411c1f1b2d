// OpenAssistant's own files on the server: tests/fixtures/oasst/ holds lines written the way its
// exporter writes them (every null field left out — no `parent_id` on initial prompts, older
// trees without `tree_state`, `user_id` or `created_date` — label values that may be null,
// emojis, detoxify, events), in both layouts. They import through the library and the admin CLI,
// keep their dates, authors and sibling order through an export, texts over the bound are refused
// with file:line, a database failure mid-import is one readable line, and imported trees leave
// the backlog for ranking by the CLI or the moderator API.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OasstTreeLine } from '../../src/lib/protocol/export';
import { moderatorTreeSchema } from '../../src/lib/protocol/moderation';
import type { RankTask } from '../../src/lib/protocol/tasks';
import {
	openDatabase,
	type DatabaseConfig,
	type HearthDatabase
} from '../../sync-server/db/database';
import {
	ImportError,
	importOasstFile,
	MAX_IMPORTED_TEXT_LENGTH
} from '../../sync-server/export/oasst-import';
import { resolveServiceConfig } from '../../sync-server/service/service-config';
import type { Service } from '../../sync-server/service/service';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const TREES = 'tests/fixtures/oasst/trees.jsonl';
const MESSAGES = 'tests/fixtures/oasst/messages.jsonl';
const A = '6ab24d72-0181-4594-a9cd-deaf170242fb';
const B = '2f3c4d5e-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const C = '9e8d7c6b-5a49-4382-a1f0-e9d8c7b6a594';
const D = '7c6b5a49-3827-4160-9f8e-7d6c5b4a3928';

const run = promisify(execFile);
// Each admin command starts a process that loads the server: a few seconds each on a busy machine.
const CLI_TIMEOUT_MS = 90_000;

/**
 * The fixture's ids (and user ids) with their first character replaced by a letter outside hex:
 * the same trees again, with ids of their own.
 */
function renamed(text: string, first: string): string {
	return text.replace(
		/\b[0-9a-f]([0-9a-f]{7}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g,
		`${first}$1`
	);
}

type RawNode = Record<string, unknown> & { message_id: string; replies?: RawNode[] };

function rawLines(text: string): Record<string, unknown>[] {
	return text
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line));
}

/** Each node's id and, nested, its replies': a tree's shape and sibling order. */
function shape(node: { message_id: string; replies?: unknown[] | null }): unknown {
	return [node.message_id, ((node.replies ?? []) as RawNode[]).map(shape)];
}

function allNodes<T extends { replies?: T[] | null }>(node: T): T[] {
	return [node, ...(node.replies ?? []).flatMap((reply) => allNodes(reply))];
}

async function admin(database: DatabaseConfig, ...args: string[]) {
	const env = {
		...process.env,
		...(database.dialect === 'sqlite'
			? { HEARTH_DATA_DIR: dirname(database.file), DATABASE_URL: '' }
			: { DATABASE_URL: database.url })
	};
	return run(process.execPath, ['--import', 'tsx', 'sync-server/admin-cli.ts', ...args], {
		env
	}).then(
		({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
		(error: { code: number; stdout: string; stderr: string }) => error
	);
}

describe.each(dialects)('OpenAssistant files on %s', (dialect) => {
	let t: TestApp;
	let db: HearthDatabase;
	let service: Service;
	let mod: Contributor;
	let dir: string;
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		db = openDatabase(t.config.database);
		service = { database: db, config: resolveServiceConfig(serviceOptions()) };
		mod = await Contributor.register(t.app, 'Mod');
		await mod.claimAdmin();
		dir = mkdtempSync(join(tmpdir(), 'hearth-oasst-'));
		expect(await importOasstFile(service, TREES)).toEqual({
			trees: 3,
			messages: 15,
			users: 8,
			emptyTrees: 0
		});
	});
	afterAll(async () => {
		await db.close();
		await t.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const tree = async (treeId: string) =>
		moderatorTreeSchema.parse((await mod.request('GET', `/api/moderation/trees/${treeId}`)).json());

	async function exportTrees(query: string): Promise<OasstTreeLine[]> {
		const res = await mod.request('GET', `/api/export?${query}`);
		expect(res.statusCode, res.body).toBe(200);
		return res.body
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => JSON.parse(line));
	}

	async function count(table: 'messages' | 'trees' | 'users'): Promise<number> {
		const row = await db.db
			.selectFrom(table)
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		return Number(row.n);
	}

	it('keeps the file state, dates and authors; a tree without a state waits in the backlog', async () => {
		expect((await tree(A)).state).toBe('ready_for_export');
		expect((await tree(B)).state).toBe('backlog_ranking');
		expect((await tree(C)).state).toBe('backlog_ranking');
		const rows = await db.db
			.selectFrom('messages')
			.select(['id', 'author_id', 'created_at', 'lang', 'red_flags', 'reply_skips'])
			.where('tree_id', 'in', [A, B])
			.execute();
		const row = (id: string) => rows.find((r) => r.id === id)!;
		expect(row(A)).toMatchObject({
			author_id: 'c3fe8c76-fc30-4fa7-b7f8-c492f5967d18',
			created_at: Date.parse('2023-02-05T14:23:50.983Z'),
			reply_skips: 1
		});
		expect(row('0a6e6ad5-2d1c-4b3a-8f9e-7d6c5b4a3f2e').red_flags).toBe(1);
		// The older tree has no authors or dates: an unknown importer, the import's time.
		expect(row(B).author_id).toBe('imported-unknown');
		expect(Math.abs(Number(row(B).created_at) - Date.now())).toBeLessThan(60_000);
		// A reply without lang takes its tree's.
		expect(row('1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d').lang).toBe('de');
		const users = await db.db
			.selectFrom('users')
			.select('id')
			.where('id', 'in', ['c3fe8c76-fc30-4fa7-b7f8-c492f5967d18', 'imported-unknown'])
			.execute();
		expect(users).toHaveLength(2);
	});

	it('exports the file again with its sibling order, dates, authors and labels', async () => {
		const file = rawLines(readFileSync(TREES, 'utf8')) as { prompt: RawNode }[];
		const exported = await exportTrees('state=ready_for_export,backlog_ranking&lang=en,de');
		const byId = new Map(exported.map((line) => [line.message_tree_id, line]));
		for (const line of file) {
			const back = byId.get(line.prompt.message_id)!;
			// Ranked replies in rank order, then the unranked — created earliest, still last — and
			// siblings without dates in the file's order.
			expect(shape(back.prompt)).toEqual(shape(line.prompt));
			const nodes = new Map(allNodes(back.prompt).map((n) => [n.message_id, n]));
			for (const node of allNodes(line.prompt)) {
				const out = nodes.get(node.message_id)!;
				expect(out.parent_id).toBe(node.parent_id ?? null);
				expect(out.text).toBe(node.text);
				expect(out.rank).toBe(node.rank ?? null);
				expect(out.user_id).toBe(node.user_id ?? 'imported-unknown');
				if (node.created_date) {
					// To the millisecond: the database keeps epoch milliseconds.
					expect(Date.parse(out.created_date)).toBe(
						Math.floor(Date.parse(node.created_date as string))
					);
				}
			}
		}
		const a = byId.get(A)!;
		expect(a.tree_state).toBe('ready_for_export');
		expect(a.prompt.emojis).toEqual({ '+1': 10, _skip_ranking: 2, _skip_reply: 1 });
		const followUp = a.prompt.replies[0].replies[0];
		expect(followUp.labels.humor).toEqual({ value: null, count: 1 });
		expect(followUp.labels.quality).toEqual({ value: 0.5, count: 3 });
		expect(a.prompt.replies[1].emojis).toEqual({ '-1': 1, red_flag: 1 });
	});

	it('imports a messages file and exports its lines back in the file order', async () => {
		expect(await importOasstFile(service, MESSAGES)).toMatchObject({ trees: 1, messages: 6 });
		const res = await mod.request('GET', '/api/export?format=messages&lang=en');
		const lines = res.body
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line))
			.filter((line) => line.message_tree_id === D);
		const file = rawLines(readFileSync(MESSAGES, 'utf8')) as RawNode[];
		expect(lines.map((l) => l.message_id)).toEqual(file.map((l) => l.message_id));
		expect(lines.map((l) => [l.user_id, Date.parse(l.created_date)])).toEqual(
			file.map((l) => [l.user_id, Math.floor(Date.parse(l.created_date as string))])
		);
	});

	it('refuses a text over the bound with file:line, and writes nothing', async () => {
		const line = (id: string, text: string) =>
			JSON.stringify({
				message_tree_id: id,
				tree_state: 'ready_for_export',
				prompt: { message_id: id, text, role: 'prompter', lang: 'en', review_count: 0 }
			});
		const file = join(dir, 'long.trees.jsonl');
		writeFileSync(
			file,
			[
				line('at-the-bound', 'x'.repeat(MAX_IMPORTED_TEXT_LENGTH)),
				line('over-the-bound', 'x'.repeat(MAX_IMPORTED_TEXT_LENGTH + 1)),
				line('three-megabytes', 'y'.repeat(3_000_000))
			].join('\n')
		);
		const before = await count('messages');
		const error = await importOasstFile(service, file).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ImportError);
		expect((error as ImportError).problems).toEqual([
			`${file}:2: message over-the-bound: text is 100,001 characters long; an import takes at most 100,000`,
			`${file}:3: message three-megabytes: text is 3,000,000 characters long; an import takes at most 100,000`
		]);
		expect(await count('messages')).toBe(before);
		// The bound itself is fine.
		writeFileSync(file, line('at-the-bound', 'x'.repeat(MAX_IMPORTED_TEXT_LENGTH)));
		expect(await importOasstFile(service, file)).toMatchObject({ trees: 1 });
	});

	it(
		'imports from the command line, naming file:line for a bad file',
		{ timeout: CLI_TIMEOUT_MS },
		async () => {
			const file = join(dir, 'cli.trees.jsonl');
			writeFileSync(
				file,
				renamed(readFileSync(TREES, 'utf8'), 'k') +
					'{"message_tree_id": "0f0f0f0f-1111-4222-8333-444444444444", "tree_state": "aborted_low_grade"}\n'
			);
			const ok = await admin(t.config.database, 'import', file);
			expect(ok.stderr).toBe('');
			expect(ok.stdout).toBe(
				'imported 3 trees, 15 messages, 7 new users (1 trees without a prompt left out)\n'
			);
			expect((await tree(`k${A.slice(1)}`)).state).toBe('ready_for_export');
			expect((await tree(`k${B.slice(1)}`)).state).toBe('backlog_ranking');

			const bad = join(dir, 'bad.messages.jsonl');
			const lines = renamed(readFileSync(MESSAGES, 'utf8'), 'm').trim().split('\n');
			const orphan = JSON.parse(lines[3]);
			orphan.parent_id = 'nowhere';
			lines[3] = JSON.stringify(orphan);
			lines[4] = lines[4].replace('"role": "assistant"', '"role": "moderator"');
			writeFileSync(bad, lines.join('\n'));
			const before = await count('messages');
			const refused = await admin(t.config.database, 'import', bad);
			expect(refused.code).toBe(1);
			expect(refused.stderr.trim().split('\n')).toEqual([
				'admin: the import file has 2 problem(s):',
				`${bad}:4: message m1b2c3d4-e5f6-4a7b-8c9d-e0f1a2b3c4d5: parent_id nowhere is not a message of tree m${D.slice(1)}`,
				`${bad}:5: line.role: Invalid option: expected one of "prompter"|"assistant"`
			]);
			expect(await count('messages')).toBe(before);
		}
	);

	it(
		'reports a database failure mid-import as one line and keeps nothing of the file',
		{ timeout: CLI_TIMEOUT_MS },
		async () => {
			const file = join(dir, 'fail.trees.jsonl');
			writeFileSync(file, renamed(readFileSync(TREES, 'utf8'), 'p'));
			const failing = `p${B.slice(1)}`; // the second tree: the first one's rows are already written
			if (dialect === 'sqlite') {
				await sql
					.raw(
						`CREATE TRIGGER fail_import BEFORE INSERT ON messages WHEN NEW.id = '${failing}' ` +
							`BEGIN SELECT RAISE(ABORT, 'injected failure'); END`
					)
					.execute(db.db);
			} else {
				await sql
					.raw(
						`CREATE FUNCTION fail_import() RETURNS trigger AS $$ BEGIN ` +
							`RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`
					)
					.execute(db.db);
				await sql
					.raw(
						`CREATE TRIGGER fail_import BEFORE INSERT ON messages FOR EACH ROW ` +
							`WHEN (NEW.id = '${failing}') EXECUTE FUNCTION fail_import()`
					)
					.execute(db.db);
			}
			const before = { messages: await count('messages'), users: await count('users') };
			try {
				const failed = await admin(t.config.database, 'import', file);
				expect(failed.code).toBe(1);
				expect(failed.stdout).toBe('');
				expect(failed.stderr).toMatch(
					new RegExp(
						`^admin: import of ${file} failed and imported nothing: injected failure.*\\n$`
					)
				);
			} finally {
				if (dialect === 'sqlite') await sql.raw('DROP TRIGGER fail_import').execute(db.db);
				else await sql.raw('DROP FUNCTION fail_import() CASCADE').execute(db.db);
			}
			expect({ messages: await count('messages'), users: await count('users') }).toEqual(before);
			expect(
				await db.db.selectFrom('trees').select('id').where('id', 'like', 'p%').execute()
			).toEqual([]);
			// Without the failure the same file imports.
			expect(await importOasstFile(service, file)).toMatchObject({ trees: 3 });
		}
	);

	it('activates backlog trees through the moderator API: to ranking, where rankers get them', async () => {
		const file = join(dir, 'api.trees.jsonl');
		writeFileSync(file, renamed(readFileSync(TREES, 'utf8'), 'q'));
		await importOasstFile(service, file);
		const [a, b, c] = [A, B, C].map((id) => `q${id.slice(1)}`);
		const activate = (who: Contributor, treeId: string) =>
			who.request('POST', `/api/moderation/trees/${treeId}/activate`, { reason: 'rank these' });

		const someone = await Contributor.register(t.app);
		expect((await activate(someone, b)).statusCode).toBe(403);
		expect((await tree(b)).state).toBe('backlog_ranking');
		expect((await activate(mod, 'no-such-tree')).statusCode).toBe(404);

		const res = await activate(mod, b);
		expect(res.statusCode, res.body).toBe(200);
		expect(res.json()).toEqual({ treeId: b, state: 'ranking' });
		const after = await tree(b);
		expect(after.events.at(-1)).toMatchObject({
			from: 'backlog_ranking',
			to: 'ranking',
			actorId: mod.userId
		});
		const again = await activate(mod, b);
		expect(again.statusCode).toBe(409);
		expect(again.json().error.message).toBe(
			`tree ${b} is ranking; only trees in backlog_ranking are activated`
		);
		expect((await activate(mod, a)).statusCode).toBe(409);
		// Nothing to rank: abandoned rather than left waiting.
		expect((await activate(mod, c)).json()).toEqual({ treeId: c, state: 'aborted_low_grade' });

		const ranker = await Contributor.register(t.app);
		const tasks = (await ranker.lease(5, 'rank_assistant_replies', 'de')).map(
			(l) => l.task as RankTask
		);
		const replies = [
			'q7f8091a-2b3c-4d4e-9f50-61728394a5b6',
			'qa2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
		];
		const task = tasks.find((x) => x.replies.some((r) => r.id === replies[0]));
		expect(task?.replies.map((r) => r.id).sort()).toEqual(replies);
	});

	it(
		'activates named backlog trees from the command line, all or none',
		{ timeout: CLI_TIMEOUT_MS },
		async () => {
			const file = join(dir, 'activate.trees.jsonl');
			writeFileSync(file, renamed(readFileSync(TREES, 'utf8'), 'r'));
			await importOasstFile(service, file);
			const b = `r${B.slice(1)}`;

			const unknown = await admin(t.config.database, 'activate', b, 'no-such-tree');
			expect(unknown.code).toBe(1);
			expect(unknown.stderr).toBe('admin: no tree no-such-tree\n');
			expect((await tree(b)).state).toBe('backlog_ranking'); // all or nothing

			const named = await admin(t.config.database, 'activate', b, '--reason', 'ranking drive');
			expect(named.stdout).toBe(`${b}: ranking\nactivated 1 trees: 1 ranking\n`);
			const event = (await tree(b)).events.at(-1);
			expect(event).toMatchObject({ from: 'backlog_ranking', to: 'ranking', actorId: null });
			const logged = await db.db
				.selectFrom('moderation_events')
				.select(['moderator_id', 'reason'])
				.where('action', '=', 'activate_tree')
				.where('target_id', '=', b)
				.execute();
			expect(logged).toEqual([{ moderator_id: null, reason: 'ranking drive' }]);
		}
	);

	it(
		'activates every backlog tree from the command line with --all',
		{ timeout: CLI_TIMEOUT_MS },
		async () => {
			const usage = await admin(t.config.database, 'activate', '--all', B);
			expect(usage.code).toBe(2);
			expect(usage.stderr).toContain('activate takes tree ids or --all');

			const backlog = async () =>
				(
					await db.db
						.selectFrom('trees')
						.select('id')
						.where('state', '=', 'backlog_ranking')
						.execute()
				).map((r) => r.id);
			const waiting = await backlog();
			expect(waiting).toEqual(expect.arrayContaining([B, C]));
			const all = await admin(t.config.database, 'activate', '--all');
			expect(all.code, all.stderr).toBe(0);
			expect(all.stdout).toMatch(
				new RegExp(`^activated ${waiting.length} trees: \\d+ aborted_low_grade, \\d+ ranking\\n$`)
			);
			expect((await tree(B)).state).toBe('ranking');
			expect((await tree(C)).state).toBe('aborted_low_grade');
			expect(await backlog()).toEqual([]);
		}
	);
});

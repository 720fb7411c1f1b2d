// Assistant replies written with tools, over the real API on SQLite and PostgreSQL: a reply's
// `toolSteps` are stored with it, shown with it to whoever later labels, ranks or moderates it,
// exported on its node as `tool_steps` ({text, calls: [{name, arguments, result}]}, nothing
// more) and kept by another server's import of that export, refused whole with the field named
// when malformed (in shape, or arguments the tool itself refuses), and erased with the message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oasstTreeLineSchema, type OasstNodeInput } from '../../src/lib/protocol/export';
import type { RankTask, ReplyTask, Task } from '../../src/lib/protocol/tasks';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import type { Tables } from '../../sync-server/db/schema';
import { importOasstFile } from '../../sync-server/export/oasst-import';
import { resolveServiceConfig } from '../../sync-server/service/service-config';
import { answerTask, Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { dataTables, treeState } from './support/trees';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

/** What the calculator and weekday tools really answer; the marker finds every copy of them. */
const RESULT = 'KILO 287663';
const steps: ReplyToolStep[] = [
	{
		text: 'Let me work that out.',
		calls: [{ name: 'calculator', arguments: { expression: '347 * 829' }, result: RESULT }]
	},
	{
		text: '',
		calls: [{ name: 'weekday', arguments: { date: '2024-03-01' }, result: 'Friday' }]
	}
];

async function tablesHolding(db: Kysely<Tables>, text: string): Promise<string[]> {
	const found: string[] = [];
	for (const table of dataTables) {
		const rows = await db.selectFrom(table).selectAll().execute();
		if (rows.some((row) => JSON.stringify(row).includes(text))) found.push(table);
	}
	return found;
}

const replyArgs = (taskId: string, extra: Record<string, unknown> = {}) => ({
	type: 'assistant_reply',
	taskId,
	text: '347 × 829 is 287,663, and 1 March 2024 was a Friday.',
	lang: 'en',
	...extra
});

describe.each(dialects)('replies written with tools (%s)', (dialect) => {
	let t: TestApp;
	let database: HearthDatabase;
	let crowd: Contributor[];
	let writer: Contributor;
	let treeId: string;
	let replyId: string;
	let trainer: string;

	const state = () => treeState(database.db, treeId);
	const exportBody = async (query: string) => {
		const res = await t.app.inject({
			method: 'GET',
			url: `/api/export?${query}`,
			headers: { authorization: `Bearer ${trainer}` }
		});
		expect(res.statusCode, res.body).toBe(200);
		return res.body;
	};
	const lines = (body: string) =>
		body
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => JSON.parse(line) as Record<string, unknown>);

	/** The crowd answers what it leases, handing back what `keep` refuses, until `done`. */
	async function crowdWorks(done: () => Promise<boolean>, keep: (task: Task) => boolean) {
		for (let round = 0, n = 0; round < 60; round++) {
			if (await done()) return;
			for (const member of crowd) {
				const leases = await member.lease(3);
				const entries = leases.map(({ task }) =>
					keep(task)
						? answerTask(task, member.device.displayName, n++)
						: { name: 'release_task', args: { taskId: task.id } }
				);
				if (entries.length > 0) await member.pushNew(...entries);
			}
		}
		throw new Error('the crowd did not get there');
	}

	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		database = openDatabase(t.config.database);
		trainer = await trainerToken(t.config.database, `trainer-${dialect}`);
		crowd = await Promise.all(['Ann', 'Bo', 'Cy'].map((n) => Contributor.register(t.app, n)));
		writer = await Contributor.register(t.app, 'Writer');
		const author = await Contributor.register(t.app, 'Author');
		const { response } = await author.pushNew({
			name: 'create_initial_prompt',
			args: { text: 'What is 347 times 829, and what weekday was 1 March 2024?', lang: 'en' }
		});
		treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		// Through review and the lottery, with nobody answering it yet.
		await crowdWorks(
			async () => (await state()) === 'growing',
			(task) => task.type === 'label_initial_prompt'
		);
	});
	afterAll(async () => {
		await database.close();
		await t.close();
	});

	it('refuses malformed steps with the field named, and writes nothing', async () => {
		const [leased] = await writer.lease(1, 'assistant_reply');
		expect((leased.task as ReplyTask).parentId).toBe(treeId);
		const taskId = leased.task.id;
		const call = steps[0].calls[0];
		const cases: [Record<string, unknown>, string][] = [
			[
				replyArgs(taskId, { toolSteps: [{ text: '', calls: [{ ...call, name: 'shell' }] }] }),
				'args.toolSteps[0].calls[0].name: must be one of calculator, days_between'
			],
			[
				replyArgs(taskId, { toolSteps: Array(5).fill(steps[0]) }),
				'args.toolSteps: must hold at most 4 rounds'
			],
			[
				replyArgs(taskId, { toolSteps: [{ text: '', calls: Array(5).fill(call) }] }),
				'args.toolSteps[0].calls: a round makes at most 4 calls'
			],
			[
				replyArgs(taskId, {
					toolSteps: [{ text: '', calls: [{ ...call, result: 'x'.repeat(4001) }] }]
				}),
				'args.toolSteps[0].calls[0].result: must be at most 4000 characters'
			],
			[
				replyArgs(taskId, {
					toolSteps: [{ text: '', calls: [{ ...call, arguments: '{"expression": "1"}' }] }]
				}),
				'args.toolSteps[0].calls[0].arguments: must be an object'
			],
			[
				replyArgs(taskId, {
					toolSteps: [
						steps[0],
						{
							text: '',
							calls: [{ name: 'weekday', arguments: { date: '2024-02-30' }, result: '' }]
						}
					]
				}),
				'args.toolSteps[1].calls[0].arguments.date: no such date'
			],
			[
				replyArgs(taskId, {
					toolSteps: [{ text: '', calls: [{ ...call, arguments: { expr: '1 + 1' } }] }]
				}),
				'args.toolSteps[0].calls[0].arguments.expression: '
			],
			[replyArgs(taskId, { toolSteps: [] }), 'args.toolSteps: leave it out when no tool was used'],
			[
				replyArgs(taskId, { type: 'prompter_reply', toolSteps: steps }),
				"args.toolSteps: only an assistant reply uses tools, not a prompter_reply task's text"
			],
			[
				replyArgs(taskId, { type: 'initial_prompt', toolSteps: steps }),
				"args.toolSteps: only an assistant reply uses tools, not a initial_prompt task's text"
			]
		];
		const before = await database.db.selectFrom('messages').select('id').execute();
		const { response } = await writer.pushNew(
			...cases.map(([args]) => ({ name: 'submit_task_result', args }))
		);
		expect(response.results).toHaveLength(cases.length);
		response.results.forEach((result, i) => {
			expect(result).toMatchObject({ status: 'rejected', code: 'invalid_args' });
			expect((result as { message: string }).message).toContain(cases[i][1]);
		});
		expect(await database.db.selectFrom('messages').select('id').execute()).toEqual(before);
		// The task is still the writer's to do.
		expect((await writer.pull()).leases.map((l) => l.task.id)).toContain(taskId);
	});

	it('stores the steps with the reply, once, and shows them to whoever labels it', async () => {
		const taskId = (await writer.pull()).leases[0].task.id;
		const { response, sent } = await writer.pushNew({
			name: 'submit_task_result',
			args: replyArgs(taskId, { toolSteps: steps })
		});
		expect(response.results[0]).toMatchObject({ status: 'applied' });
		replyId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		expect((await writer.push(sent)).results).toEqual(response.results);

		const row = await database.db
			.selectFrom('messages')
			.select(['role', 'tool_steps'])
			.where('id', '=', replyId)
			.executeTakeFirstOrThrow();
		expect(row.role).toBe('assistant');
		expect(JSON.parse(row.tool_steps!)).toEqual(steps);
		const others = await database.db
			.selectFrom('messages')
			.select('tool_steps')
			.where('tree_id', '=', treeId)
			.where('id', '!=', replyId)
			.execute();
		expect(others.map((m) => m.tool_steps)).toEqual([null]);

		const labelling = (await crowd[0].lease(20, 'label_assistant_reply')).find(
			(l) => 'messageId' in l.task && l.task.messageId === replyId
		);
		expect(labelling).toBeDefined();
		const shown = (labelling!.task as { conversation: ReplyTask['conversation'] }).conversation;
		expect(shown.at(-1)).toMatchObject({ id: replyId, toolSteps: steps });
		expect(shown[0].toolSteps).toBeUndefined();
		await crowd[0].pushNew({ name: 'release_task', args: { taskId: labelling!.task.id } });
	});

	it('shows the steps to a moderator, in the flagged queue and in the tree', async () => {
		const flagger = await Contributor.register(t.app, 'Flagger');
		await flagger.pushNew({
			name: 'flag_message',
			args: { messageId: replyId, reason: 'checking what moderators see' }
		});
		const moderator = await Contributor.register(t.app, 'Watcher');
		await moderator.claimAdmin();
		const queue = await moderator.request('GET', '/api/moderation/flagged');
		expect(queue.statusCode, queue.body).toBe(200);
		const flagged = (queue.json() as { messages: { messageId: string; toolSteps?: unknown }[] })
			.messages;
		expect(flagged.find((m) => m.messageId === replyId)?.toolSteps).toEqual(steps);
		const tree = await moderator.request('GET', `/api/moderation/trees/${treeId}`);
		expect(tree.statusCode, tree.body).toBe(200);
		const messages = (tree.json() as { messages: { id: string; toolSteps?: unknown }[] }).messages;
		expect(messages.filter((m) => m.toolSteps).map((m) => [m.id, m.toolSteps])).toEqual([
			[replyId, steps]
		]);
	});

	it('shows the steps with the reply in a ranking task', async () => {
		await crowdWorks(
			async () => (await state()) === 'ranking',
			(task) => !task.type.startsWith('rank_')
		);
		const ranker = await Contributor.register(t.app, 'Ranker');
		const ranking = (await ranker.lease(20, 'rank_assistant_replies')).find(
			(l) => 'parentId' in l.task && l.task.parentId === treeId
		);
		expect(ranking).toBeDefined();
		const replies = (ranking!.task as RankTask).replies;
		expect(replies.find((r) => r.id === replyId)).toMatchObject({ toolSteps: steps });
		expect(replies.filter((r) => r.toolSteps)).toHaveLength(1);
		await ranker.pushNew(answerTask(ranking!.task, 'Ranker', 0));
	});

	it('exports the steps on the reply as tool_steps, in both layouts and anonymised', async () => {
		await crowdWorks(
			async () => (await state()) === 'ready_for_export',
			() => true
		);

		const tree = lines(await exportBody('format=trees'))
			.map((line) => oasstTreeLineSchema.parse(line))
			.find((line) => line.message_tree_id === treeId)!;
		const replies = tree.prompt.replies as (OasstNodeInput & { tool_steps?: unknown })[];
		const raw = lines(await exportBody('format=trees')).find(
			(line) => line.message_tree_id === treeId
		) as { prompt: { replies: Record<string, unknown>[] } };
		const node = raw.prompt.replies.find((r) => r.message_id === replyId)!;
		// Exactly the documented shape: no status, timing or sources.
		expect(node.tool_steps).toStrictEqual(steps);
		expect(node.text).toBe(replyArgs('').text);
		expect(replies.filter((r) => r.message_id !== replyId).every((r) => !('tool_steps' in r))).toBe(
			true
		);
		expect('tool_steps' in raw.prompt).toBe(false);

		const flat = lines(await exportBody('format=messages')).filter(
			(line) => line.message_tree_id === treeId
		);
		expect(flat.find((line) => line.message_id === replyId)!.tool_steps).toStrictEqual(steps);
		expect(flat.filter((line) => 'tool_steps' in line)).toHaveLength(1);

		const anonymous = await exportBody('format=messages&anonymize=seed-7');
		expect(anonymous).not.toContain(replyId);
		expect(anonymous).not.toContain(writer.userId);
		expect(lines(anonymous).filter((line) => line.tool_steps)).toEqual([
			expect.objectContaining({ tool_steps: steps })
		]);
	});

	it('an export imported into another server keeps the steps on the reply', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'hearth-tool-steps-')), 'export.trees.jsonl');
		writeFileSync(file, await exportBody('format=trees'));
		const other = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		const otherDatabase = openDatabase(other.config.database);
		try {
			const service = { database: otherDatabase, config: resolveServiceConfig(serviceOptions()) };
			expect(await importOasstFile(service, file)).toMatchObject({ trees: 1 });
			const rows = await otherDatabase.db
				.selectFrom('messages')
				.select(['id', 'tool_steps'])
				.where('tree_id', '=', treeId)
				.where('tool_steps', 'is not', null)
				.execute();
			expect(rows.map((r) => [r.id, JSON.parse(r.tool_steps!)])).toEqual([[replyId, steps]]);
		} finally {
			await otherDatabase.close();
			await other.close();
			rmSync(dirname(file), { recursive: true, force: true });
		}
	});

	it('a deleted reply leaves the export with its steps unless deleted ones are asked for', async () => {
		const moderator = await Contributor.register(t.app, 'Moderator');
		await moderator.claimAdmin();
		const reason = { reason: 'checking the export filter' };
		const deleted = await moderator.request(
			'POST',
			`/api/moderation/messages/${replyId}/delete`,
			reason
		);
		expect(deleted.statusCode, deleted.body).toBe(200);
		const inState = `format=messages&state=${await state()}`;
		expect(await exportBody(inState)).toContain(treeId);
		expect(await exportBody(inState)).not.toContain(RESULT);
		expect(await exportBody(`${inState}&deleted=true`)).toContain(RESULT);
		const restored = await moderator.request(
			'POST',
			`/api/moderation/messages/${replyId}/undelete`,
			reason
		);
		expect(restored.statusCode, restored.body).toBe(200);
	});

	it('erases the steps with the reply: from the message, the tasks that showed it and every export', async () => {
		expect(await tablesHolding(database.db, RESULT)).toEqual(
			expect.arrayContaining(['messages', 'mutations', 'leases'])
		);
		const gone = await writer.request('DELETE', '/api/me', { confirmDisplayName: 'Writer' });
		expect(gone.statusCode, gone.body).toBe(200);

		expect(await tablesHolding(database.db, RESULT)).toEqual([]);
		const row = await database.db
			.selectFrom('messages')
			.select(['text', 'tool_steps', 'erased_at'])
			.where('id', '=', replyId)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ text: '', tool_steps: null });
		expect(row.erased_at).not.toBeNull();
		const everything = await exportBody(
			`format=messages&deleted=true&spam=true&state=${await state()}`
		);
		expect(everything).not.toContain(RESULT);
		expect(everything).not.toContain('tool_steps');
	});
});

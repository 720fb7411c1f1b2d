// Replies sampled on contributors' devices, over the real API on SQLite and PostgreSQL: a device
// asks for sampling tasks by name (random requests never hand them out: only a device holding a
// model can do one), gets as many replies to sample as the prompt still wants within the share
// of model samples, and the replies it keeps join the tree once, as synthetic replies naming
// their model, which the crowd then labels and ranks like any reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oasstTreeLineSchema, type OasstNodeInput } from '../../src/lib/protocol/export';
import type { SampleTask } from '../../src/lib/protocol/tasks';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import { Contributor, serviceOptions, smallTrees, workUntil } from './support/contributors';
import { dialects } from './support/databases';
import { treeState } from './support/trees';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

/** Three replies wanted per prompt, two of them (0.67 × 3, rounded down) may be samples. */
const treeManager = {
	...smallTrees,
	growth: { ...smallTrees.growth, maxAssistantReplies: 3, goalTreeSize: 5 }
};

describe.each(dialects)('replies sampled on devices (%s)', (dialect) => {
	let t: TestApp;
	let database: HearthDatabase;
	let crowd: Contributor[];
	let sampler: Contributor;
	let treeId: string;

	const state = () => treeState(database.db, treeId);

	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions({ treeManager }) } });
		database = openDatabase(t.config.database);
		crowd = await Promise.all(['Ann', 'Bo', 'Cy', 'Di'].map((n) => Contributor.register(t.app, n)));
		sampler = await Contributor.register(t.app, 'Sampler');
		const author = await Contributor.register(t.app, 'Author');
		const { response } = await author.pushNew({
			name: 'create_initial_prompt',
			args: { text: 'What makes sourdough sour?', lang: 'en' }
		});
		treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		// Reviewed and through the lottery, with the crowd asking only for labels: nobody answers yet.
		for (let i = 0; i < 20 && (await state()) !== 'growing'; i++) {
			for (const c of crowd) {
				const tasks = await c.lease(1, 'label_initial_prompt');
				for (const { task } of tasks) {
					await c.pushNew({
						name: 'submit_task_result',
						args: {
							type: task.type,
							taskId: task.id,
							messageId: (task as { messageId: string }).messageId,
							form: 'full',
							labels: { spam: 0, lang_mismatch: 0, quality: 0.75 }
						}
					});
				}
			}
		}
		expect(await state()).toBe('growing');
	});
	afterAll(async () => {
		await database.close();
		await t.close();
	});

	it('hands sampling tasks out only when asked by name, for what the prompt still wants', async () => {
		const random = await crowd[0].lease(20, 'random');
		expect(random.length).toBeGreaterThan(0);
		expect(random.map((l) => l.task.type)).not.toContain('sample_assistant_replies');
		await crowd[0].pushNew(
			...random.map(({ task }) => ({ name: 'release_task', args: { taskId: task.id } }))
		);

		const [leased] = await sampler.lease(1, 'sample_assistant_replies');
		const task = leased.task as SampleTask;
		expect(task).toMatchObject({ type: 'sample_assistant_replies', parentId: treeId, k: 2 });
		expect(task.conversation.map((m) => m.text)).toEqual(['What makes sourdough sour?']);
	});

	it('takes the kept replies once as synthetic replies with their model, and no more than the task asked', async () => {
		const task = (await sampler.pull()).leases[0].task as SampleTask;
		const reply = (text: string) => ({ text, modelName: 'hearth-demo@3' });
		const tooMany = await sampler.pushNew({
			name: 'submit_task_result',
			args: {
				type: task.type,
				taskId: task.id,
				lang: 'en',
				replies: [reply('Lactic acid.'), reply('Bacteria.'), reply('Acetic acid.')]
			}
		});
		expect(tooMany.response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'too_many_samples'
		});

		const kept = {
			name: 'submit_task_result',
			args: {
				type: task.type,
				taskId: task.id,
				lang: 'en',
				replies: [reply('Lactic acid from its bacteria.'), reply('Acetic acid, mostly.')]
			}
		};
		const { response, sent } = await sampler.pushNew(kept);
		expect(response.results[0]).toMatchObject({ status: 'applied' });
		expect((await sampler.push(sent)).results).toEqual(response.results);

		const rows = await database.db
			.selectFrom('messages')
			.select(['text', 'synthetic', 'model_name', 'author_id', 'parent_id'])
			.where('tree_id', '=', treeId)
			.where('synthetic', '=', 1)
			.orderBy('created_at')
			.execute();
		expect(rows).toEqual([
			{
				text: 'Lactic acid from its bacteria.',
				synthetic: 1,
				model_name: 'hearth-demo@3',
				author_id: sampler.userId,
				parent_id: treeId
			},
			{
				text: 'Acetic acid, mostly.',
				synthetic: 1,
				model_name: 'hearth-demo@3',
				author_id: sampler.userId,
				parent_id: treeId
			}
		]);
		// The prompt has its share of samples now: nobody is offered to sample it again.
		const other = await Contributor.register(t.app, 'Other sampler');
		expect(await other.lease(5, 'sample_assistant_replies')).toEqual([]);
	});

	it('the crowd labels and ranks the samples beside a person’s reply, and the export names their model', async () => {
		await workUntil(crowd, async () => (await state()) === 'ready_for_export');
		const trainer = await trainerToken(t.config.database, `trainer-${dialect}`);
		const res = await t.app.inject({
			method: 'GET',
			url: '/api/export?format=trees',
			headers: { authorization: `Bearer ${trainer}` }
		});
		const tree = res.body
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => oasstTreeLineSchema.parse(JSON.parse(line)))
			.find((line) => line.message_tree_id === treeId)!;
		const replies = tree.prompt.replies as OasstNodeInput[];
		const samples = replies.filter((r) => r.synthetic);
		expect(samples.map((r) => r.model_name)).toEqual(['hearth-demo@3', 'hearth-demo@3']);
		expect(replies.filter((r) => !r.synthetic).length).toBeGreaterThanOrEqual(1);
		// Ranked by the crowd, as part of the sibling set.
		expect(samples.every((r) => typeof r.rank === 'number')).toBe(true);
		const rankings = await database.db
			.selectFrom('rankings')
			.select('user_id')
			.where('parent_id', '=', treeId)
			.execute();
		expect(rankings.length).toBeGreaterThanOrEqual(2);
		expect(rankings.some((r) => r.user_id === sampler.userId)).toBe(false);
	});
});

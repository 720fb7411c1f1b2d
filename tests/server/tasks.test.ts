// Leases and the tree rules through the API: caps, own work never offered, skips, tasks handed
// back, work on expired leases, edits until the first review, tags, red flags, and the tree
// state machine persisted with its history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { moderatorTreeSchema } from '../../src/lib/protocol/moderation';
import { taskResponseSchema, type LeasedTask } from '../../src/lib/protocol/sync';
import type { LabelTask } from '../../src/lib/protocol/tasks';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;

function labels(task: LabelTask, spam = 0) {
	return {
		name: 'submit_task_result',
		args: {
			type: task.type,
			taskId: task.id,
			messageId: task.messageId,
			form: task.form,
			labels: { spam, lang_mismatch: 0, ...(task.form === 'full' ? { quality: 0.75 } : {}) }
		}
	};
}

function labelTasks(tasks: LeasedTask[]): LabelTask[] {
	return tasks.map((t) => t.task).filter((t): t is LabelTask => t.type.startsWith('label_'));
}

describe.each(dialects)('tasks on %s', (dialect) => {
	let t: TestApp;
	let now = Date.parse('2026-04-01T08:00:00Z');
	let admin: Contributor;
	beforeAll(async () => {
		t = await createTestApp(dialect, {
			overrides: {
				service: serviceOptions({
					clock: () => now,
					treeManager: {
						review: { requiredReviews: 2 },
						growth: { maxDepth: 3, maxAssistantReplies: 2, goalTreeSize: 4 },
						ranking: { requiredRankings: 2 },
						moderation: { redFlags: 2 },
						lottery: { maxActiveTrees: 50 },
						leases: { maxPerClient: 5 }
					}
				})
			}
		});
		admin = await Contributor.register(t.app, 'Admin');
		await admin.claimAdmin();
	});
	afterAll(() => t.close());

	async function treeView(treeId: string) {
		const res = await admin.request('GET', `/api/moderation/trees/${treeId}`);
		expect(res.statusCode, res.body).toBe(200);
		return moderatorTreeSchema.parse(res.json());
	}

	/** A prompt written from a leased new-prompt task, in the given tags. */
	async function writePrompt(author: Contributor, text: string, tags?: string[]): Promise<string> {
		const res = await author.request('POST', '/api/tasks/request', {
			clientId: author.clientId,
			lang: 'en',
			type: 'initial_prompt',
			...(tags ? { tags } : {})
		});
		const { task } = taskResponseSchema.parse(res.json());
		expect(task?.task.type).toBe('initial_prompt');
		expect(task!.tags).toEqual(tags ?? []);
		const { response } = await author.pushNew({
			name: 'submit_task_result',
			args: { type: 'initial_prompt', taskId: task!.task.id, text, lang: 'en' }
		});
		const [result] = response.results;
		expect(result.status).toBe('applied');
		return result.status === 'applied' ? result.result.messageId! : '';
	}

	it('caps leases per client and frees them when they expire', async () => {
		const ann = await Contributor.register(t.app);
		const batch = await ann.lease(20, 'initial_prompt');
		expect(batch).toHaveLength(5);
		for (const leased of batch) {
			expect(leased.expiresAt - leased.leasedAt).toBe(48 * HOUR);
		}
		const full = await ann.request('POST', '/api/tasks/lease', {
			clientId: ann.clientId,
			count: 1,
			lang: 'en'
		});
		expect(full.statusCode).toBe(409);
		expect(apiErrorSchema.parse(full.json()).error.message).toMatch(/5 open tasks/);
		// Pull lists them all, for offline work.
		expect((await ann.pull()).leases.map((l) => l.task.id).sort()).toEqual(
			batch.map((l) => l.task.id).sort()
		);

		now += 48 * HOUR + 1;
		expect(await ann.lease(2, 'initial_prompt')).toHaveLength(2);
		// Expired leases are still listed: work on them is accepted.
		expect((await ann.pull()).leases).toHaveLength(7);
	});

	it('never offers authors their own messages, takes reviews, and accepts work on an expired lease', async () => {
		const author = await Contributor.register(t.app);
		const [r1, r2] = [await Contributor.register(t.app), await Contributor.register(t.app)];
		const treeId = await writePrompt(author, 'How do tides work?');

		const own = await author.lease(5, 'label_initial_prompt');
		expect(
			own.find((l) => l.task.type !== 'initial_prompt' && l.task.treeId === treeId)
		).toBeUndefined();

		const [task1] = labelTasks(await r1.lease(5, 'label_initial_prompt')).filter(
			(x) => x.messageId === treeId
		);
		const [task2] = labelTasks(await r2.lease(5, 'label_initial_prompt')).filter(
			(x) => x.messageId === treeId
		);
		expect(task1.conversation.map((m) => m.text)).toEqual(['How do tides work?']);
		expect(task1.validLabels).toContain('spam');

		// The wrong form for the task is refused: the form decides the points.
		const wrongForm = await r1.pushNew({
			...labels(task1),
			args: {
				...labels(task1).args,
				form: task1.form === 'full' ? 'simple' : 'full',
				labels: { spam: 0 }
			}
		});
		expect(wrongForm.response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'task_mismatch'
		});

		expect((await r1.pushNew(labels(task1))).response.results[0].status).toBe('applied');
		// Two days pass: r2's lease expired, the review is still wanted and accepted.
		now += 49 * HOUR;
		expect((await r2.pushNew(labels(task2))).response.results[0].status).toBe('applied');

		const view = await treeView(treeId);
		// Accepted, then drawn by the lottery in the same transaction.
		expect(view.events.map((e) => e.to)).toEqual([
			'initial_prompt_review',
			'prompt_lottery_waiting',
			'growing'
		]);
		expect(view.messages[0]).toMatchObject({ status: 'accepted', reviews: 2 });
		const [mine] = (await author.pullAll()).messages.filter((m) => m.id === treeId);
		expect(mine).toMatchObject({ status: 'accepted', treeState: 'growing', editable: false });
		expect((await author.pull()).points.total).toBeCloseTo(0.2);

		// A second submission for a finished lease is refused.
		expect((await r1.pushNew(labels(task1))).response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'lease_finished'
		});
	});

	it('lets authors edit until the first review, then not', async () => {
		const author = await Contributor.register(t.app);
		const reviewer = await Contributor.register(t.app);
		const treeId = await writePrompt(author, 'Draft of a prompt');
		const edited = await author.pushNew({
			name: 'edit_message',
			args: { messageId: treeId, text: 'Better prompt' }
		});
		expect(edited.response.results[0].status).toBe('applied');
		const other = await reviewer.pushNew({
			name: 'edit_message',
			args: { messageId: treeId, text: 'Hijacked' }
		});
		expect(other.response.results[0]).toMatchObject({ status: 'rejected', code: 'not_author' });

		const [task] = labelTasks(await reviewer.lease(5, 'label_initial_prompt')).filter(
			(x) => x.messageId === treeId
		);
		expect(task.conversation[0].text).toBe('Better prompt');
		await reviewer.pushNew(labels(task));
		const late = await author.pushNew({
			name: 'edit_message',
			args: { messageId: treeId, text: 'Too late now' }
		});
		expect(late.response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'already_reviewed'
		});
		expect((await treeView(treeId)).messages[0].text).toBe('Better prompt');
	});

	it('never offers a skipped task again, to that contributor only', async () => {
		const author = await Contributor.register(t.app);
		const skipper = await Contributor.register(t.app);
		const other = await Contributor.register(t.app);
		const treeId = await writePrompt(author, 'A prompt someone will skip', ['skipping']);
		const leaseTagged = async (c: Contributor) => {
			const res = await c.request('POST', '/api/tasks/lease', {
				clientId: c.clientId,
				count: 5,
				lang: 'en',
				tags: ['skipping']
			});
			return (res.json() as { tasks: LeasedTask[] }).tasks;
		};
		const [task] = labelTasks(await leaseTagged(skipper));
		expect(task.messageId).toBe(treeId);
		const skipped = await skipper.pushNew({
			name: 'skip_task',
			args: { type: 'skip', taskId: task.id, reason: 'dont_know_enough', note: 'not my field' }
		});
		expect(skipped.response.results[0].status).toBe('applied');
		now += 72 * HOUR;
		expect(labelTasks(await leaseTagged(skipper))).toEqual([]);
		expect(labelTasks(await leaseTagged(other)).map((x) => x.messageId)).toEqual([treeId]);
	});

	it('takes tasks handed back without a reason: the slots free at once, the work goes back to the pool', async () => {
		const author = await Contributor.register(t.app);
		const treeId = await writePrompt(author, 'A prompt someone hands back', ['handing-back']);
		const holder = await Contributor.register(t.app);
		const prompts = await holder.lease(5, 'initial_prompt');
		expect(prompts).toHaveLength(5);
		const full = await holder.request('POST', '/api/tasks/lease', {
			clientId: holder.clientId,
			count: 5,
			lang: 'en',
			type: 'label_initial_prompt'
		});
		expect(full.statusCode).toBe(409);
		expect(apiErrorSchema.parse(full.json()).error.message).toMatch(/finish or hand back some/);

		const release = (taskId: string) => ({ name: 'release_task', args: { taskId } });
		const handedBack = await holder.pushNew(...prompts.map((l) => release(l.task.id)));
		expect(handedBack.response.results.map((r) => r.status)).toEqual(Array(5).fill('applied'));
		expect((await holder.pull()).leases).toEqual([]);

		// The slots are free for the kind wanted now, and the work is offered again, to them too.
		const [label] = labelTasks(await holder.lease(5, 'label_initial_prompt')).filter(
			(x) => x.messageId === treeId
		);
		expect(label).toBeDefined();
		expect((await holder.pushNew(release(label.id))).response.results[0].status).toBe('applied');
		const [again] = labelTasks(await holder.lease(5, 'label_initial_prompt')).filter(
			(x) => x.messageId === treeId
		);
		expect(again.id).not.toBe(label.id);

		// A handed-back task takes no work, is handed back once, and only by its holder.
		expect((await holder.pushNew(labels(label))).response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'lease_released'
		});
		expect((await holder.pushNew(release(label.id))).response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'lease_released'
		});
		expect((await author.pushNew(release(again.id))).response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'lease_not_found'
		});
		// Nothing was counted against the prompt: it is not skipped, and nobody earned anything.
		const view = await treeView(treeId);
		expect(view.messages[0]).toMatchObject({ status: 'in_review', reviews: 0 });
		expect((await holder.pull()).points.total).toBe(0);
	});

	it('filters tasks by topic tag', async () => {
		const author = await Contributor.register(t.app);
		const cooking = await writePrompt(author, 'How long to boil an egg?', ['cooking']);
		const rust = await writePrompt(author, 'What is a borrow checker?', ['rust', 'programming']);
		const reviewer = await Contributor.register(t.app);
		const res = await reviewer.request('POST', '/api/tasks/lease', {
			clientId: reviewer.clientId,
			count: 5,
			lang: 'en',
			type: 'label_initial_prompt',
			tags: ['rust']
		});
		const tasks = (res.json() as { tasks: LeasedTask[] }).tasks;
		expect(labelTasks(tasks).map((x) => x.messageId)).toEqual([rust]);
		expect(tasks[0].tags).toEqual(['programming', 'rust']);
		expect(cooking).not.toBe(rust);
	});

	it('aborts a tree whose prompt collects enough red flags, once per contributor', async () => {
		const author = await Contributor.register(t.app);
		const treeId = await writePrompt(author, 'Something nasty');
		const [a, b] = [await Contributor.register(t.app), await Contributor.register(t.app)];
		const flag = { name: 'flag_message', args: { messageId: treeId, reason: 'abusive' } };
		expect((await a.pushNew(flag)).response.results[0].status).toBe('applied');
		expect((await a.pushNew(flag)).response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'already_done'
		});
		expect((await author.pushNew(flag)).response.results[0]).toMatchObject({ code: 'own_message' });
		const flagged = await admin.request('GET', '/api/moderation/flagged');
		expect(
			(flagged.json() as { messages: { messageId: string }[] }).messages.map((m) => m.messageId)
		).toContain(treeId);
		await b.pushNew(flag);
		const view = await treeView(treeId);
		expect(view.state).toBe('aborted_low_grade');
		expect(view.events.at(-1)?.reason).toBe(`2 red flags on message ${treeId}`);
	});

	it('answers a single task request with null when nothing fits', async () => {
		const loner = await Contributor.register(t.app);
		const res = await loner.request('POST', '/api/tasks/request', {
			clientId: loner.clientId,
			lang: 'de',
			type: 'rank_assistant_replies'
		});
		expect(res.statusCode).toBe(200);
		expect(taskResponseSchema.parse(res.json())).toEqual({ task: null });
	});
});

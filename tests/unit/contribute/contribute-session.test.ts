import { describe, expect, it } from 'vitest';
import { ContributeSession } from '$lib/contribute/contribute-session.svelte';
import { draftKey } from '$lib/contribute/task-draft';
import { HearthApi } from '$lib/sync/api-client';
import { SyncEngine } from '$lib/sync/sync-engine';
import { SyncStatus } from '$lib/sync/sync-status.svelte';
import type { HearthStorage } from '$lib/db/open';
import { openTestStorage } from '../db/open-test-storage';
import { FakeSyncServer } from '../sync/fake-server';
import { labelTask, leased, promptTask, rankTask, replyTask } from './fixtures';

function setup() {
	const { storage } = openTestStorage();
	const server = new FakeSyncServer();
	const engine = new SyncEngine(storage, new HearthApi(server.fetch));
	const status = new SyncStatus(async () => ({ storage, engine }), {
		intervalMs: 60_000,
		random: () => 0.5,
		requestBackgroundSync: async () => false,
		isOnline: () => true,
		schedule: () => () => {}
	});
	const open = async () => {
		const session = new ContributeSession(storage, status, () => 1_000);
		await session.init('en-GB');
		return session;
	};
	return { storage, server, status, open };
}

async function take(
	session: ContributeSession,
	server: FakeSyncServer,
	...tasks: ReturnType<typeof leased>[]
) {
	server.available = tasks;
	await session.takeTasks();
}

async function pendingMutations(storage: HearthStorage) {
	return (await storage.outbox.pending(50)).map(
		(e) => e.mutation as { name: string; args: unknown }
	);
}

describe('ContributeSession', () => {
	it('starts one task at a time: a held one that matches first, else one new task, opened', async () => {
		const { server, open } = setup();
		const session = await open();
		server.available = [leased(replyTask('r'), [], 1), leased(promptTask('p'), [], 2)];

		await session.startTask();
		expect(session.tasks.map((t) => t.id)).toEqual(['r']);
		expect(session.current?.id).toBe('r');
		expect(session.notice).toBeNull();
		expect(server.available.map((t) => t.task.id)).toEqual(['p']);

		await session.startTask();
		expect(session.tasks.map((t) => t.id)).toEqual(['r']);

		await session.setFilter({ ...session.filter, type: 'initial_prompt' });
		expect(session.current).toBeNull();
		await session.startTask();
		expect(session.current?.id).toBe('p');

		await session.setFilter({ ...session.filter, type: 'label_assistant_reply' });
		await session.startTask();
		expect(session.current).toBeNull();
		expect(session.notice).toMatch(/^No tasks match right now/);
	});

	it('takes tasks for offline work in the device language and opens the first', async () => {
		const { server, open } = setup();
		const session = await open();
		expect(session.filter).toEqual({ lang: 'en', tags: [], type: 'random' });

		await take(
			session,
			server,
			leased(replyTask('r'), ['science'], 1),
			leased(promptTask('p'), [], 2)
		);

		expect(session.notice).toBe('Took 2 tasks: they stay on this device for offline work.');
		expect(session.tasks.map((t) => t.id)).toEqual(['r', 'p']);
		expect(session.current?.id).toBe('r');
		expect(session.draft).toEqual({ kind: 'text', step: 'edit', text: '' });
	});

	it('saves every edit and restores the open task and its draft in a new session', async () => {
		const { storage, server, open } = setup();
		const first = await open();
		await take(first, server, leased(rankTask('k')));
		await first.updateDraft({
			kind: 'ranking',
			step: 'edit',
			order: ['r-c', 'r-a', 'r-b'],
			notRankable: false
		});
		expect((await storage.drafts.get(draftKey('k')))?.value).toMatchObject({
			order: ['r-c', 'r-a', 'r-b']
		});

		const reopened = await open();
		expect(reopened.current?.id).toBe('k');
		expect(reopened.draft).toMatchObject({ order: ['r-c', 'r-a', 'r-b'] });
	});

	it('lists what is missing instead of moving to review, then queues a complete result', async () => {
		const { storage, server, open } = setup();
		const session = await open();
		await take(session, server, leased(labelTask('l')));
		// Keep the result on the device to look at it.
		server.offline = true;

		await session.review();
		expect(session.problems).toEqual([
			'Answer “Seems to be intentionally low-quality or irrelevant”.'
		]);
		expect(session.draft?.step).toBe('edit');

		await session.updateDraft({ kind: 'labels', step: 'edit', values: { spam: 0, quality: 1 } });
		await session.review();
		expect(session.draft?.step).toBe('review');
		await session.submit();

		expect((await pendingMutations(storage)).map((m) => m.name)).toEqual(['submit_task_result']);
		expect(session.tasks).toEqual([]);
		expect(session.current).toBeNull();
		expect(await storage.drafts.get(draftKey('l'))).toBeUndefined();
	});

	it('holds a text with personal data until the contributor edits it or confirms', async () => {
		const { storage, server, open } = setup();
		const session = await open();
		await take(session, server, leased(replyTask('r')));
		// Keep the result on the device: this test is about the local check.
		server.offline = true;

		await session.updateDraft({ kind: 'text', step: 'edit', text: 'Mail me at ann@example.org' });
		await session.review();
		expect(session.pii.map((s) => [s.kind, s.text])).toEqual([['email', 'ann@example.org']]);
		await session.submit();
		expect(session.problems).toEqual([
			'Edit the highlighted personal data, or confirm that it may be shared.'
		]);
		expect(await storage.outbox.count()).toBe(0);

		session.piiConfirmed = true;
		await session.submit();
		expect(await pendingMutations(storage)).toEqual([
			{
				name: 'submit_task_result',
				args: {
					type: 'assistant_reply',
					taskId: 'r',
					text: 'Mail me at ann@example.org',
					lang: 'en'
				}
			}
		]);
	});

	it('warns in the review step about a prompt too short to be useful, and still lets it go', async () => {
		const { storage, server, open } = setup();
		const session = await open();
		await take(session, server, leased(promptTask('p')));
		server.offline = true;

		await session.updateDraft({ kind: 'text', step: 'edit', text: 'hi' });
		expect(session.warnings).toEqual([]);
		await session.review();
		expect(session.warnings.map((w) => w.code)).toEqual(['short_prompt']);
		await session.backToEdit();
		await session.updateDraft({ kind: 'text', step: 'edit', text: 'What is recursion?' });
		await session.review();
		expect(session.warnings).toEqual([]);
		await session.backToEdit();
		await session.updateDraft({ kind: 'text', step: 'edit', text: 'hi' });
		await session.review();
		await session.submit();
		expect((await pendingMutations(storage)).map((m) => m.name)).toEqual(['submit_task_result']);
	});

	it('skips with a reason, and chooses among held tasks by kind and topic', async () => {
		const { storage, server, open } = setup();
		const session = await open();
		await take(
			session,
			server,
			leased(replyTask('r'), ['physics'], 1),
			leased(rankTask('k'), ['cooking'], 2)
		);
		server.offline = true;

		expect(session.current?.id).toBe('r');
		// A filter the open task no longer matches opens the first task that does.
		await session.setFilter({ ...session.filter, tags: ['cooking'] });
		expect(session.matching.map((t) => t.id)).toEqual(['k']);
		expect(session.current?.id).toBe('k');
		await session.skip('not_my_language', 'German');

		expect(await pendingMutations(storage)).toEqual([
			{
				name: 'skip_task',
				args: { type: 'skip', taskId: 'k', reason: 'not_my_language', note: 'German' }
			}
		]);
		expect(session.tasks.map((t) => t.id)).toEqual(['r']);
		// The filter is kept for the next visit.
		expect((await open()).filter.tags).toEqual(['cooking']);
	});

	it('meets a full device with plain guidance, no stale success, and makes room for the kind asked', async () => {
		const { storage, server, open } = setup();
		server.leaseCap = 3;
		const session = await open();
		await session.setFilter({ ...session.filter, type: 'initial_prompt' });
		await take(
			session,
			server,
			leased(promptTask('p1'), [], 1),
			leased(promptTask('p2'), [], 2),
			leased(promptTask('p3'), [], 3)
		);
		expect(session.notice).toBe('Took 3 tasks: they stay on this device for offline work.');
		// One prompt is started: it stays whatever happens.
		await session.updateDraft({ kind: 'text', step: 'edit', text: 'How do I' });

		await session.setFilter({ ...session.filter, type: 'rank_assistant_replies' });
		server.available = [leased(rankTask('k1'), [], 4), leased(rankTask('k2'), [], 5)];
		await session.takeTasks();
		expect(session.notice).toBeNull();
		expect(session.error).toBe(
			'This device already holds 3 tasks, as many as it may. Finish some, or hand back the ones ' +
				'you will not do, to take others.'
		);
		expect(session.makeRoom?.label).toBe(
			'Hand back the 2 unstarted tasks of other kinds and take “Rank assistant replies” tasks'
		);

		await session.makeRoomAndTake();
		expect(session.error).toBeNull();
		expect(session.makeRoom).toBeNull();
		expect(session.notice).toBe('Took 2 tasks: they stay on this device for offline work.');
		expect(session.tasks.map((t) => t.id).sort()).toEqual(['k1', 'k2', 'p1']);
		expect(server.applied.filter((m) => m.name === 'release_task').map((m) => m.args)).toEqual([
			{ taskId: 'p2' },
			{ taskId: 'p3' }
		]);
		expect(await storage.drafts.get(draftKey('p1'))).toBeDefined();
	});

	it('makes room for one task when “Start a task” found the device full', async () => {
		const { server, open } = setup();
		server.leaseCap = 2;
		const session = await open();
		await session.setFilter({ ...session.filter, type: 'initial_prompt' });
		await take(session, server, leased(promptTask('p1'), [], 1), leased(promptTask('p2'), [], 2));

		await session.setFilter({ ...session.filter, type: 'rank_assistant_replies' });
		server.available = [leased(rankTask('k1'), [], 3), leased(rankTask('k2'), [], 4)];
		await session.startTask();
		expect(session.makeRoom).not.toBeNull();
		await session.makeRoomAndTake();
		expect(session.tasks.map((t) => t.id)).toEqual(['k1']);
		expect(session.current?.id).toBe('k1');
	});

	it('hands tasks back without a reason, asking first only when work in progress would be lost', async () => {
		const { storage, server, open } = setup();
		const session = await open();
		await take(
			session,
			server,
			leased(replyTask('r'), [], 1),
			leased(rankTask('k'), [], 2),
			leased(labelTask('l'), [], 3)
		);
		server.offline = true;
		expect(session.current?.id).toBe('r');

		// The open task, not started: back at once, and the next one opens.
		await session.handBack(['r']);
		expect(session.handBackPending).toBeNull();
		expect(session.notice).toBe('Handed back 1 task: someone else can take it now.');
		expect(session.current?.id).toBe('k');
		expect(await pendingMutations(storage)).toEqual([
			{ name: 'release_task', args: { taskId: 'r' } }
		]);

		// All at once, one of them started: asked first; "keep them" keeps everything.
		await session.updateDraft({
			kind: 'ranking',
			step: 'edit',
			order: ['r-b', 'r-a', 'r-c'],
			notRankable: false
		});
		await session.handBack(['k']);
		// About the open task alone: asked in its workspace, not above the list.
		expect(session.handBackPending).toEqual({ taskIds: ['k'], started: 1 });
		expect(session.handBackOutsideWorkspace).toBeNull();
		session.cancelHandBack();
		await session.handBack(session.matching.map((t) => t.id));
		expect(session.handBackPending).toEqual({ taskIds: ['k', 'l'], started: 1 });
		expect(session.handBackOutsideWorkspace).toEqual({ taskIds: ['k', 'l'], started: 1 });
		session.cancelHandBack();
		expect(session.tasks).toHaveLength(2);

		await session.handBack(session.matching.map((t) => t.id));
		await session.confirmHandBack();
		expect(session.notice).toBe('Handed back 2 tasks: others can take them now.');
		expect(session.tasks).toEqual([]);
		expect(session.current).toBeNull();
		expect(await storage.drafts.get(draftKey('k'))).toBeUndefined();
		expect((await pendingMutations(storage)).map((m) => m.name)).toEqual(
			Array(3).fill('release_task')
		);
		// Nothing for "My contributions": a task handed back is not a contribution.
		expect(await storage.contributions.recent()).toEqual([]);
	});
});

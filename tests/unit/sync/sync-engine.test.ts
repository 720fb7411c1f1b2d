import { describe, expect, it } from 'vitest';
import type { HearthStorage } from '$lib/db/open';
import { handBackTasks } from '$lib/contribute/hand-back';
import { queueTaskResult } from '$lib/contribute/queue-result';
import { ApiError, HearthApi, NetworkError } from '$lib/sync/api-client';
import { SyncEngine } from '$lib/sync/sync-engine';
import type { TextSubmission } from '$lib/protocol/tasks';
import { openTestStorage } from '../db/open-test-storage';
import { leased, promptTask, rankTask, replyTask } from '../contribute/fixtures';
import { FakeSyncServer } from './fake-server';

function setup() {
	const { storage } = openTestStorage();
	const server = new FakeSyncServer();
	const engine = new SyncEngine(storage, new HearthApi(server.fetch), () => 5_000);
	return { storage, server, engine };
}

function textResult(taskId: string, text: string): TextSubmission {
	return { type: 'assistant_reply', taskId, text, lang: 'en' };
}

/** Queues `n` replies through the app's own write path. */
async function queueReplies(storage: HearthStorage, n: number, prefix = 'reply'): Promise<void> {
	for (let i = 1; i <= n; i++) {
		const task = replyTask(`${prefix}-${i}`);
		await queueTaskResult(storage, task, textResult(task.id, `${prefix} number ${i}`), i);
	}
}

function appliedTexts(server: FakeSyncServer): string[] {
	return server.applied.map((m) => (m.args as TextSubmission).text);
}

describe('registration', () => {
	it('registers once and keeps the token for every later request', async () => {
		const { storage, server, engine } = setup();
		await engine.sync();
		await engine.sync();

		expect(server.registrations).toBe(1);
		const device = await engine.knownDevice();
		expect(device).toMatchObject({ clientId: 'client-1', token: 'token-1' });
		expect(await storage.settings.get('sync.device', null)).toEqual(device);
	});

	it('registers again when the server no longer knows the token, and still delivers the outbox', async () => {
		const { storage, server, engine } = setup();
		await queueReplies(storage, 2, 'before');
		await engine.sync();
		server.reset();
		await queueReplies(storage, 2, 'after');

		await engine.sync();

		expect(server.registrations).toBe(2);
		// The new client starts counting at 1; the outbox was renumbered to follow it.
		expect(server.applied.map((m) => [m.clientId, m.seq])).toEqual([
			['client-1', 1],
			['client-1', 2],
			['client-2', 1],
			['client-2', 2]
		]);
		expect(appliedTexts(server)).toEqual([
			'before number 1',
			'before number 2',
			'after number 1',
			'after number 2'
		]);
		expect(await storage.outbox.count()).toBe(0);
	});
});

describe('push', () => {
	it('sends the outbox in seq order, in batches of at most 100, and drops what was acknowledged', async () => {
		const { storage, server, engine } = setup();
		await queueReplies(storage, 150);

		const report = await engine.sync();

		expect(server.pushes).toBe(2);
		expect(report).toMatchObject({ processed: 150, applied: 150, rejected: 0 });
		expect(server.applied.map((m) => m.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
		expect(await storage.outbox.count()).toBe(0);
		const [newest] = await storage.contributions.recent();
		expect(newest).toMatchObject({ state: 'applied', messageId: 'msg-150', rejection: null });
	});

	it('marks a rejected entry with its reason and goes on with the ones after it', async () => {
		const { storage, server, engine } = setup();
		const tasks = [replyTask('a'), replyTask('b'), replyTask('c')];
		await queueTaskResult(storage, tasks[0], textResult('a', 'fine'), 1);
		await queueTaskResult(storage, tasks[1], textResult('b', server.rejectText), 2);
		await queueTaskResult(storage, tasks[2], textResult('c', 'also fine'), 3);

		const report = await engine.sync();

		expect(report).toMatchObject({ processed: 3, applied: 2, rejected: 1 });
		expect(appliedTexts(server)).toEqual(['fine', 'also fine']);
		const byTask = new Map((await storage.contributions.recent()).map((c) => [c.taskId, c]));
		expect(byTask.get('b')).toMatchObject({
			state: 'rejected',
			rejection: { code: 'tree_closed', message: 'the conversation stopped taking replies' }
		});
		expect(byTask.get('c')?.state).toBe('applied');
		expect(await storage.outbox.count()).toBe(0);
	});

	it('applies nothing twice when a push response is lost and the sync is retried', async () => {
		const { storage, server, engine } = setup();
		await queueReplies(storage, 3);
		server.loseNextPushResponse = true;

		await expect(engine.sync()).rejects.toBeInstanceOf(NetworkError);
		expect(server.applied).toHaveLength(3);
		expect(await storage.outbox.count()).toBe(3);

		await engine.sync();
		expect(server.applied).toHaveLength(3);
		expect(await storage.outbox.count()).toBe(0);
		expect((await storage.contributions.recent()).every((c) => c.state === 'applied')).toBe(true);
	});

	it('keeps everything queued while offline and delivers it once back', async () => {
		const { storage, server, engine } = setup();
		await engine.sync();
		server.offline = true;
		await queueReplies(storage, 2);
		await expect(engine.sync()).rejects.toBeInstanceOf(NetworkError);
		expect(await storage.outbox.count()).toBe(2);

		server.offline = false;
		await engine.sync();
		expect(appliedTexts(server)).toEqual(['reply number 1', 'reply number 2']);
	});

	it('closes a hole in the outbox that the server refuses as a gap, without losing an entry', async () => {
		const { storage, server, engine } = setup();
		await queueReplies(storage, 1, 'first');
		await engine.sync();
		// A browser whose key generator skipped 2–4 (IndexedDB keeps the generator's count
		// when an aborting transaction used it, in some engines): the next entries are 5, 6.
		await queueReplies(storage, 1, 'later');
		const { db } = storage;
		await db.transaction('rw', [db.outbox, db.contributions], async () => {
			await storage.outbox.renumber(5);
			await storage.contributions.update('later-1', { seq: 5 });
		});
		const task = replyTask('later-2');
		await queueTaskResult(storage, task, textResult(task.id, 'later number 2'), 2);
		expect((await storage.outbox.pending(10)).map((e) => e.seq)).toEqual([5, 6]);

		await engine.sync();

		expect(server.applied.map((m) => m.seq)).toEqual([1, 2, 3]);
		expect(appliedTexts(server)).toEqual(['first number 1', 'later number 1', 'later number 2']);
		expect(await storage.outbox.count()).toBe(0);
		// The renumbered contributions kept their link to the server's answers.
		const later = (await storage.contributions.recent()).filter((c) =>
			c.taskId.startsWith('later')
		);
		expect(later.map((c) => c.state)).toEqual(['applied', 'applied']);
		// The first sync's pull, the one that learned lastSeq for the gap, the second sync's.
		expect(server.calls.filter((path) => path === '/api/sync/pull')).toHaveLength(3);
	});

	it('reports a refusal that is not transient without retrying it in a loop', async () => {
		const { storage, server, engine } = setup();
		await engine.sync();
		await queueReplies(storage, 1);
		server.refuseWith = { status: 403, code: 'forbidden', message: 'this account is banned' };
		const failure = await engine.sync().catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(ApiError);
		expect((failure as ApiError).transient).toBe(false);
		expect((failure as ApiError).message).toBe('this account is banned');
		expect(await storage.outbox.count()).toBe(1);
	});
});

describe('pull and leases', () => {
	it('leases tasks with their tags and replaces the held list on pull, keeping answered tasks done', async () => {
		const { storage, server, engine } = setup();
		server.available = [
			leased(promptTask('p1'), ['cooking'], 1_000),
			leased(rankTask('k1'), [], 2_000),
			leased(replyTask('r1'), [], 3_000)
		];

		expect(await engine.lease({ count: 20, lang: 'en' })).toBe(3);
		expect((await storage.tasks.held()).map((t) => [t.id, t.tags])).toEqual([
			['p1', ['cooking']],
			['k1', []],
			['r1', []]
		]);

		// The server takes k1 back; r1 is answered while the pull is on its way, so the pull
		// still lists it open — it must not come back.
		server.leases = server.leases.filter((l) => l.task.id !== 'k1');
		server.onPull = async () => {
			server.onPull = null;
			await queueTaskResult(storage, replyTask('r1'), textResult('r1', 'an answer'), 9);
		};
		await engine.sync();

		expect((await storage.tasks.held()).map((t) => t.id)).toEqual(['p1']);
	});

	it('pushes the outbox before leasing, so tasks done or handed back free their slots', async () => {
		const { storage, server, engine } = setup();
		server.leaseCap = 2;
		server.available = [leased(promptTask('p1')), leased(promptTask('p2'))];
		expect(await engine.lease({ count: 20, lang: 'en' })).toBe(2);
		await handBackTasks(storage, ['p1']);
		await queueTaskResult(
			storage,
			promptTask('p2'),
			{ type: 'initial_prompt', taskId: 'p2', text: 'A prompt written offline', lang: 'en' },
			5
		);
		server.available = [leased(rankTask('k1')), leased(rankTask('k2'))];
		server.calls = [];

		expect(await engine.lease({ count: 20, lang: 'en', type: 'rank_assistant_replies' })).toBe(2);
		expect(server.calls).toEqual(['/api/sync/push', '/api/tasks/lease']);
		expect(server.applied.map((m) => m.name)).toEqual(['release_task', 'submit_task_result']);
		expect((await storage.tasks.held()).map((t) => t.id).sort()).toEqual(['k1', 'k2']);
	});

	it('pages through changed messages by cursor and copies their status to the contributions', async () => {
		const { storage, server, engine } = setup();
		await queueReplies(storage, 3);
		await engine.sync();
		const client = 'client-1';
		server.messages = [1, 2, 3].map((seq) => ({
			id: `msg-${seq}`,
			treeId: 'tree-1',
			parentId: 'm-prompt',
			role: 'assistant' as const,
			type: 'assistant_reply' as const,
			text: `reply number ${seq}`,
			lang: 'en',
			status: seq === 2 ? ('rejected' as const) : ('accepted' as const),
			late: false,
			rank: seq === 3 ? 0 : null,
			treeState: 'growing' as const,
			editable: false,
			createdAt: 1,
			taskId: null,
			clientId: client,
			seq
		}));
		server.pullCursors = [];

		const report = await engine.sync();

		// Two messages a page in the fake: three pages, each continuing from the last cursor.
		expect(server.pullCursors).toEqual(['0', '2']);
		const bySeq = new Map((await storage.contributions.recent()).map((c) => [c.seq, c]));
		expect(bySeq.get(1)).toMatchObject({ status: 'accepted', rank: null });
		expect(bySeq.get(2)).toMatchObject({ status: 'rejected' });
		expect(bySeq.get(3)).toMatchObject({ status: 'accepted', rank: 0 });
		expect(report.account.points.total).toBe(4);
		expect(await engine.account()).toEqual(report.account);
	});
});

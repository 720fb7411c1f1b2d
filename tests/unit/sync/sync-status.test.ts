import { describe, expect, it, vi } from 'vitest';
import { HearthApi } from '$lib/sync/api-client';
import { SyncEngine } from '$lib/sync/sync-engine';
import { SyncStatus } from '$lib/sync/sync-status.svelte';
import type { HearthStorage } from '$lib/db/open';
import { queueTaskResult } from '$lib/contribute/queue-result';
import { openTestStorage } from '../db/open-test-storage';
import { replyTask } from '../contribute/fixtures';
import { FakeSyncServer } from './fake-server';
import { FakeDocument, ManualTimer } from '../support/triggers';

/** A sync status as the app makes it; `contributing` as while a Contribute page is open. */
function setup({ contributing = true } = {}) {
	const { storage } = openTestStorage();
	const server = new FakeSyncServer();
	const engine = new SyncEngine(storage, new HearthApi(server.fetch));
	const timer = new ManualTimer();
	let online = true;
	const backgroundSyncs: number[] = [];
	const status = new SyncStatus(async () => ({ storage, engine }), {
		intervalMs: 60_000,
		// The middle of the jitter window: a retry waits 0.75 × the doubled delay.
		random: () => 0.5,
		isOnline: () => online,
		schedule: timer.schedule,
		requestBackgroundSync: async () => backgroundSyncs.push(Date.now())
	});
	if (contributing) status.contribute();
	return {
		storage,
		server,
		status,
		timer,
		win: new EventTarget(),
		doc: new FakeDocument(),
		workers: new EventTarget(),
		backgroundSyncs,
		setOnline: (value: boolean) => (online = value)
	};
}

/** One reply written on the Contribute page, waiting in the outbox. */
const queueReply = (storage: HearthStorage) =>
	queueTaskResult(storage, replyTask('a'), {
		type: 'assistant_reply',
		taskId: 'a',
		text: 'hello',
		lang: 'en'
	});

const pulls = (server: FakeSyncServer) => server.calls.filter((c) => c === '/api/sync/pull').length;

describe('SyncStatus', () => {
	it('syncs again after the sync running, for what was queued while it ran', async () => {
		const { storage, server, status } = setup({ contributing: false });
		await queueReply(storage);
		const running = status.syncNow();
		// Queued once the running sync may be past its push: only a later sync sends it.
		await queueTaskResult(storage, replyTask('b'), {
			type: 'assistant_reply',
			taskId: 'b',
			text: 'hello again',
			lang: 'en'
		});
		const after = status.syncAfter();
		expect(status.syncNow()).toBe(running);
		await after;
		expect(pulls(server)).toBe(2);
		expect(status.pending).toBe(0);
	});

	it('syncs on start and then on its timer, counting what waits', async () => {
		const { storage, server, status, timer, win, doc } = setup();
		await queueReply(storage);
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(status.lastSyncAt).not.toBeNull());
		await vi.waitFor(() => expect(status.pending).toBe(0));
		expect(status.account?.points.total).toBe(4);
		expect(pulls(server)).toBe(1);
		expect(timer.requested).toEqual([60_000]);

		timer.fire();
		await vi.waitFor(() => expect(pulls(server)).toBe(2));
		stop();
		expect(timer.pending).toBe(false);
	});

	it('backs off after failures with a doubling delay, and returns to the interval after a success', async () => {
		const { server, status, timer, win, doc } = setup();
		server.offline = true;
		const stop = status.start(win, doc);
		for (let attempt = 1; attempt <= 4; attempt++) {
			await vi.waitFor(() => expect(timer.requested).toHaveLength(attempt));
			expect(server.calls).toHaveLength(attempt);
			expect(status.lastError).toBe('The server could not be reached.');
			if (attempt < 4) timer.fire();
		}
		// 0.75 × 2, 4, 8, 16 s.
		expect(timer.requested).toEqual([1_500, 3_000, 6_000, 12_000]);

		server.offline = false;
		timer.fire();
		await vi.waitFor(() => expect(timer.requested).toHaveLength(5));
		expect(timer.requested[4]).toBe(60_000);
		expect(status.lastError).toBeNull();
		expect(status.lastSyncAt).not.toBeNull();
		stop();
	});

	it('waits as long as a rate-limited server asks', async () => {
		const { server, status, timer, win, doc } = setup();
		server.refuseWith = {
			status: 429,
			code: 'rate_limited',
			message: 'too many requests',
			retryAfterS: 30
		};
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(timer.requested).toHaveLength(1));
		// Our own first wait would be 1.5 s; the server asked for 30.
		expect(timer.requested).toEqual([30_000]);
		expect(status.lastError).toBe('The server asked us to slow down; retrying shortly.');
		stop();
	});

	it('does not try while the browser is offline, and syncs when it comes back online', async () => {
		const { server, status, win, doc, setOnline } = setup();
		setOnline(false);
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(status.lastError).toMatch(/^Offline/));
		expect(server.calls).toEqual([]);

		setOnline(true);
		win.dispatchEvent(new Event('online'));
		await vi.waitFor(() => expect(status.lastSyncAt).not.toBeNull());
		expect(pulls(server)).toBe(1);
		stop();
	});

	it('syncs when the page becomes visible again, and joins a sync already running', async () => {
		const { server, status, win, doc } = setup();
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(status.lastSyncAt).not.toBeNull());
		doc.visibilityState = 'hidden';
		doc.dispatchEvent(new Event('visibilitychange'));
		expect(pulls(server)).toBe(1);

		doc.visibilityState = 'visible';
		doc.dispatchEvent(new Event('visibilitychange'));
		await status.syncNow();
		expect(pulls(server)).toBe(2);
		stop();
	});

	it('from any page: a visitor who only chats never talks to the server', async () => {
		const { server, status, timer, win, doc } = setup({ contributing: false });
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(timer.requested).toEqual([60_000]));
		win.dispatchEvent(new Event('online'));
		timer.fire();
		await vi.waitFor(() => expect(timer.requested).toHaveLength(2));
		expect(server.calls).toEqual([]);
		expect(status.lastError).toBeNull();
		stop();
	});

	it('from any page: work queued offline syncs when the network returns, once', async () => {
		const { storage, server, status, win, doc, setOnline } = setup({ contributing: false });
		// A reply written offline on the Contribute page, which is closed now.
		setOnline(false);
		await queueReply(storage);
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(status.lastError).toMatch(/^Offline/));
		expect(server.calls).toEqual([]);

		setOnline(true);
		win.dispatchEvent(new Event('online'));
		await vi.waitFor(() => expect(status.pending).toBe(0));
		expect(server.applied).toHaveLength(1);
		stop();
	});

	it('asks the service worker to send what is left when the page could not, and re-reads counts when it did', async () => {
		const { storage, server, status, timer, win, doc, workers, backgroundSyncs, setOnline } = setup(
			{ contributing: false }
		);
		// Nothing waits: no Background Sync is asked for.
		const stop = status.start(win, doc, workers);
		await vi.waitFor(() => expect(timer.requested).toEqual([60_000]));
		expect(backgroundSyncs).toEqual([]);

		setOnline(false);
		await queueReply(storage);
		await status.syncNow();
		expect(status.pending).toBe(1);
		expect(backgroundSyncs).toHaveLength(1);

		// The worker sent it while this page looked away (here: the server took it directly).
		await storage.outbox.acknowledge(1);
		expect(status.pending).toBe(1);
		workers.dispatchEvent(new MessageEvent('message', { data: { type: 'hearth-outbox-synced' } }));
		await vi.waitFor(() => expect(status.pending).toBe(0));
		expect(server.calls).toEqual([]);
		stop();
	});

	it('a Contribute page opened later syncs at once, registering the device', async () => {
		const { server, status, win, doc } = setup({ contributing: false });
		const stop = status.start(win, doc);
		await vi.waitFor(() => expect(status.lastSyncAt).toBeNull());
		expect(server.calls).toEqual([]);
		const leave = status.contribute();
		await vi.waitFor(() => expect(status.lastSyncAt).not.toBeNull());
		expect(server.calls[0]).toBe('/api/devices');
		leave();
		stop();
	});
});

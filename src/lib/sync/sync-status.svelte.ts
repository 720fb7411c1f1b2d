// What the sync status line shows (pending items, last sync, last error, whether a sync is
// running) and what makes syncs happen: start, the `online` event, the page becoming visible,
// a timer, a failed sync's backoff, the "Sync now" button, and, for whatever is left when the
// page goes away, the service worker's Background Sync.
//
// Created once by the root layout and handed down through context, so work done offline syncs
// from whichever page is open when the network comes back, not only from Contribute. A visitor
// who only chats never talks to the server: without a registered device or anything waiting in
// the outbox, a sync does nothing until a Contribute page asks for one (`contribute()`). Never a
// module-level singleton: module state would be shared by every test in one JavaScript realm,
// and its timers and listeners would outlive the app that needs them.
import type { HearthStorage } from '$lib/db/open';
import type { LeaseRequest } from '$lib/protocol/sync';
import { ApiError, describeSyncError, type HearthApi } from './api-client';
import { nextAttemptDelay } from './backoff';
import { OUTBOX_SYNCED_MESSAGE, requestBackgroundSync } from './background-sync';
import type { AccountSnapshot, SyncEngine } from './sync-engine';

/** Schedules one call; returns a function that cancels it. */
export type Schedule = (run: () => void, delayMs: number) => () => void;

export interface SyncStatusOptions {
	/** Between syncs that succeeded: picks up review results and new points. */
	intervalMs: number;
	random: () => number;
	isOnline: () => boolean;
	schedule: Schedule;
	/** Asks the service worker to send what is left once the network returns (Background Sync). */
	requestBackgroundSync: () => Promise<unknown>;
}

export const defaultSyncStatusOptions: SyncStatusOptions = {
	intervalMs: 5 * 60_000,
	random: Math.random,
	isOnline: () => globalThis.navigator?.onLine !== false,
	schedule: (run, delayMs) => {
		const timer = setTimeout(run, delayMs);
		return () => clearTimeout(timer);
	},
	requestBackgroundSync: () => requestBackgroundSync()
};

/** The storage and engine, opened on first use (Dexie stays off the entry bundle). */
export type OpenSync = () => Promise<{ storage: HearthStorage; engine: SyncEngine }>;

export class SyncStatus {
	/** Outbox entries not yet acknowledged by the server. */
	pending = $state(0);
	/** Tasks leased to this device and not yet done. */
	held = $state(0);
	syncing = $state(false);
	lastSyncAt = $state<number | null>(null);
	lastError = $state<string | null>(null);
	/** Points, display name and role as of the last pull. */
	account = $state<AccountSnapshot | null>(null);
	/** Grows after every change to local contribution data, so views re-read it. */
	revision = $state(0);

	#failures = 0;
	#cancelTimer: () => void = () => {};
	#running: Promise<void> | null = null;
	#stopped = true;
	/** Contribute pages open: they need the device registered and synced. */
	#contributing = 0;

	constructor(
		private readonly open: OpenSync,
		private readonly options: SyncStatusOptions = defaultSyncStatusOptions
	) {}

	/** Re-reads the counts after a local change (a queued result, a released task). */
	async refresh(): Promise<void> {
		const { storage, engine } = await this.open();
		[this.pending, this.held, this.account] = await Promise.all([
			storage.outbox.count(),
			storage.tasks.count(),
			engine.account()
		]);
		this.lastSyncAt = this.account?.syncedAt ?? this.lastSyncAt;
		this.revision++;
	}

	/**
	 * Starts the triggers and a first sync; returns the function that stops them (the layout's
	 * teardown). `win`, `doc` and `workers` are the page's window, document and service worker
	 * container (tests pass stand-ins).
	 */
	start(
		win: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
		doc: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'> = document,
		workers:
			| Pick<ServiceWorkerContainer, 'addEventListener' | 'removeEventListener'>
			| undefined = globalThis.navigator?.serviceWorker
	): () => void {
		this.#stopped = false;
		const onOnline = () => void this.syncNow();
		const onVisible = () => {
			if (doc.visibilityState === 'visible') void this.syncNow();
		};
		// The service worker sent the outbox while this page was away (Background Sync).
		const onWorkerMessage = (event: MessageEvent) => {
			if (event.data?.type === OUTBOX_SYNCED_MESSAGE) void this.refresh();
		};
		win.addEventListener('online', onOnline);
		doc.addEventListener('visibilitychange', onVisible);
		workers?.addEventListener('message', onWorkerMessage);
		void this.refresh().then(() => this.syncNow());
		return () => {
			this.#stopped = true;
			this.#cancelTimer();
			win.removeEventListener('online', onOnline);
			doc.removeEventListener('visibilitychange', onVisible);
			workers?.removeEventListener('message', onWorkerMessage);
		};
	}

	/**
	 * A Contribute page opened: sync now, registering the device if it never was. Returns the
	 * function that says the page closed.
	 */
	contribute(): () => void {
		this.#contributing++;
		// Before start() (a page mounts before the layout around it) the first sync comes anyway.
		// After it, a sync already running may have found nothing to do: one more after it.
		if (!this.#stopped) void this.syncAfter();
		return () => {
			this.#contributing--;
		};
	}

	/**
	 * A sync that starts after the one running, if any: that one may be past pushing, and so miss
	 * what was just queued. Never throws: errors land in `lastError`.
	 */
	syncAfter(): Promise<void> {
		return (this.#running ?? Promise.resolve()).then(() => this.syncNow());
	}

	/** Syncs now, or joins the sync already running. Never throws: errors land in `lastError`. */
	syncNow(): Promise<void> {
		this.#running ??= this.#sync().finally(() => (this.#running = null));
		return this.#running;
	}

	async #sync(): Promise<void> {
		this.#cancelTimer();
		if (!this.options.isOnline()) {
			this.lastError = 'Offline: your work is kept on this device and syncs when you are back.';
			await this.refresh();
			if (this.pending > 0) void this.options.requestBackgroundSync();
			return;
		}
		if (!(await this.#worthSyncing())) {
			this.#schedule(this.options.intervalMs);
			return;
		}
		this.syncing = true;
		try {
			const { engine } = await this.open();
			const report = await engine.sync();
			this.#failures = 0;
			this.lastError = null;
			this.lastSyncAt = report.account.syncedAt;
			this.#schedule(this.options.intervalMs);
		} catch (error) {
			this.#failures++;
			this.lastError = describeSyncError(error);
			const retryAfter = error instanceof ApiError ? error.retryAfterMs : null;
			this.#schedule(nextAttemptDelay(this.#failures, this.options.random, retryAfter));
		} finally {
			this.syncing = false;
			await this.refresh();
			if (this.pending > 0) void this.options.requestBackgroundSync();
		}
	}

	/** Whether this device has anything to do with the server: see the file's header. */
	async #worthSyncing(): Promise<boolean> {
		if (this.#contributing > 0) return true;
		const { storage, engine } = await this.open();
		return (await engine.knownDevice()) !== null || (await storage.outbox.count()) > 0;
	}

	#schedule(delayMs: number): void {
		this.#cancelTimer();
		if (this.#stopped) return;
		this.#cancelTimer = this.options.schedule(() => void this.syncNow(), delayMs);
	}

	/** The API as this device, or null before it registered: for pages showing server views. */
	async deviceApi(): Promise<HearthApi | null> {
		const { engine } = await this.open();
		return (await engine.knownDevice()) ? engine.api : null;
	}

	/**
	 * "Take tasks for offline": leases up to `count` tasks matching the request. Resolves to how
	 * many arrived; throws with a readable message.
	 */
	async takeTasks(request: Omit<LeaseRequest, 'clientId'>): Promise<number> {
		const { engine } = await this.open();
		try {
			const count = await engine.lease(request);
			this.lastError = null;
			return count;
		} catch (error) {
			throw new Error(describeSyncError(error), { cause: error });
		} finally {
			await this.refresh();
		}
	}
}

// The device's half of the sync protocol (src/lib/protocol/sync.ts), in its words:
// - the device registers once; its token and client id live in the settings table;
// - push sends the outbox in seq order, in batches of consecutive seqs; each answer marks the
//   contributions it names applied or rejected (with the reason) and drops the entries up to
//   the acknowledged lastSeq, in one transaction — a rejected entry never blocks the queue;
// - a push refused for a gap (409) learns lastSeq by a pull and renumbers the unsent entries
//   to follow it: the server never processed any of them, so nothing can be applied twice;
// - pull pages through the user's changed messages by cursor and replaces the held leases;
// - leases and syncs run one at a time, across tabs too (a Web Lock): a pull never races a
//   lease it would undo, and two tabs never push the same entries under different seqs; a lease
//   pushes the outbox first, so the slots of tasks done or handed back are free for it.
// Any request may fail half-way; every step is safe to repeat, which is what retrying does.
import type { HearthStorage } from '$lib/db/open';
import type { OutboxEntry } from '$lib/db/records/outbox-entry';
import type { DeletedAccount } from '$lib/protocol/donations';
import type { RegisteredDevice } from '$lib/protocol/identity';
import type { LeaseRequest, PointsSummary, PullResponse, PushResponse } from '$lib/protocol/sync';
import { ApiError, type HearthApi } from './api-client';
import { nextPushBatch, type QueuedMutation } from './outbox-batch';
import { contributionChanges, mergeLeases, toHeldTask } from './pull-merge';

const DEVICE_KEY = 'sync.device';
const CURSOR_KEY = 'sync.cursor';
const ACCOUNT_KEY = 'sync.account';

/** A pull's view of the account, kept for the status line while offline. */
export interface AccountSnapshot {
	points: PointsSummary;
	user: PullResponse['user'];
	syncedAt: number;
}

export interface SyncReport {
	/** Outbox entries the server answered in this sync (applied or rejected). */
	processed: number;
	applied: number;
	rejected: number;
	/** Open leases the server listed. */
	leases: number;
	account: AccountSnapshot;
}

const SYNC_LOCK = 'hearth-sync';

/** A pull of 500 changed messages a page; more than this many pages waits for the next sync. */
const MAX_PULL_PAGES = 20;

export class SyncEngine {
	#queue: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly storage: HearthStorage,
		readonly api: HearthApi,
		private readonly now: () => number = Date.now
	) {}

	/** Runs `work` after whatever the engine, or another tab's, is already doing. */
	#serial<T>(work: () => Promise<T>): Promise<T> {
		const locks = globalThis.navigator?.locks;
		const exclusive = (): Promise<T> =>
			locks ? (locks.request(SYNC_LOCK, work) as Promise<T>) : work();
		const run = this.#queue.then(exclusive, exclusive);
		this.#queue = run.catch(() => undefined);
		return run;
	}

	/** The registered device, or null before the first successful registration. */
	async knownDevice(): Promise<RegisteredDevice | null> {
		const device = await this.storage.settings.get<RegisteredDevice | null>(DEVICE_KEY, null);
		this.api.token = device?.token ?? null;
		return device;
	}

	async account(): Promise<AccountSnapshot | null> {
		return this.storage.settings.get<AccountSnapshot | null>(ACCOUNT_KEY, null);
	}

	async #register(): Promise<RegisteredDevice> {
		this.api.token = null;
		const device = await this.api.registerDevice();
		await this.storage.settings.set(DEVICE_KEY, device);
		// A new account starts its own message history.
		await this.storage.settings.set(CURSOR_KEY, null);
		this.api.token = device.token;
		return device;
	}

	/**
	 * Runs `work` as the registered device, registering first if needed. A token the server no
	 * longer knows (its database was reset) is replaced once by a fresh registration; the
	 * outbox then follows the new client's count through the gap rule.
	 */
	async #asDevice<T>(work: (device: RegisteredDevice) => Promise<T>): Promise<T> {
		const known = await this.knownDevice();
		const device = known ?? (await this.#register());
		try {
			return await work(device);
		} catch (error) {
			if (!(known && error instanceof ApiError && error.status === 401)) throw error;
			return work(await this.#register());
		}
	}

	/**
	 * Deletes this device's account on the server, then forgets it here: the device, its cursor
	 * and points, work queued or held for that account, and shared chats count as withdrawn
	 * (the server erased them). Chats themselves stay: they never were the server's.
	 */
	deleteAccount(confirmDisplayName: string): Promise<DeletedAccount> {
		return this.#serial(async () => {
			if (!(await this.knownDevice())) throw new Error('This device has no account.');
			const deleted = await this.api.deleteAccount(confirmDisplayName);
			const { db } = this.storage;
			const now = this.now();
			await db.transaction(
				'rw',
				[db.settings, db.outbox, db.tasks, db.contributions, db.conversations],
				async () => {
					for (const key of [DEVICE_KEY, CURSOR_KEY, ACCOUNT_KEY]) {
						await this.storage.settings.set(key, null);
					}
					await db.outbox.clear();
					await db.tasks.clear();
					await db.contributions.clear();
					await db.conversations
						.filter((c) => c.donation !== undefined && c.donation.withdrawnAt === undefined)
						.modify((c) => {
							c.donation = { ...c.donation!, withdrawnAt: now };
						});
				}
			);
			this.api.token = null;
			return deleted;
		});
	}

	/** Push everything queued, then pull. */
	sync(): Promise<SyncReport> {
		return this.#serial(() =>
			this.#asDevice(async (device) => {
				const pushed = await this.#pushAll(device);
				const pulled = await this.#pullAll(device);
				return { ...pushed, ...pulled };
			})
		);
	}

	/**
	 * Leases up to `count` tasks for offline work; resolves to how many arrived. Pushes the
	 * outbox first: tasks done or handed back on this device still hold their slots on the
	 * server until it hears of them.
	 */
	lease(request: Omit<LeaseRequest, 'clientId'>): Promise<number> {
		return this.#serial(() =>
			this.#asDevice(async (device) => {
				await this.#pushAll(device);
				const { tasks } = await this.api.lease({ ...request, clientId: device.clientId });
				await this.storage.tasks.saveLeased(tasks.map(toHeldTask));
				return tasks.length;
			})
		);
	}

	async #pushAll(
		device: RegisteredDevice
	): Promise<Pick<SyncReport, 'processed' | 'applied' | 'rejected'>> {
		const totals = { processed: 0, applied: 0, rejected: 0 };
		let gapClosed = false;
		for (;;) {
			const entries = (await this.storage.outbox.pending(200)) as OutboxEntry<QueuedMutation>[];
			const mutations = nextPushBatch(entries);
			if (mutations.length === 0) return totals;
			let response: PushResponse;
			try {
				response = await this.api.push({ clientId: device.clientId, mutations });
			} catch (error) {
				if (error instanceof ApiError && error.status === 409 && !gapClosed) {
					gapClosed = true;
					await this.#closeGap(device);
					continue;
				}
				throw error;
			}
			await this.#recordOutcomes(response);
			for (const result of response.results) {
				totals.processed++;
				totals[result.status === 'applied' ? 'applied' : 'rejected']++;
			}
		}
	}

	async #recordOutcomes(response: PushResponse): Promise<void> {
		const { db, outbox, contributions } = this.storage;
		await db.transaction('rw', [db.outbox, db.contributions], async () => {
			const bySeq = new Map(
				(await contributions.bySeq(response.results.map((r) => r.seq))).map((c) => [c.seq, c])
			);
			for (const result of response.results) {
				const contribution = bySeq.get(result.seq);
				if (!contribution) continue;
				await contributions.update(
					contribution.taskId,
					result.status === 'applied'
						? { state: 'applied', messageId: result.result.messageId ?? null, rejection: null }
						: { state: 'rejected', rejection: { code: result.code, message: result.message } }
				);
			}
			await outbox.acknowledge(response.lastSeq);
		});
	}

	async #closeGap(device: RegisteredDevice): Promise<void> {
		// Only lastSeq is wanted; the cursor is not advanced, so the next pull still sees
		// whatever this one returned.
		const cursor = await this.storage.settings.get<string | null>(CURSOR_KEY, null);
		const { lastSeq } = await this.api.pull({ clientId: device.clientId, cursor });
		const { db, outbox, contributions } = this.storage;
		await db.transaction('rw', [db.outbox, db.contributions], async () => {
			await outbox.acknowledge(lastSeq);
			const moves = await outbox.renumber(lastSeq + 1);
			const affected = await contributions.bySeq([...moves.keys()]);
			for (const contribution of affected) {
				await contributions.update(contribution.taskId, { seq: moves.get(contribution.seq)! });
			}
		});
	}

	async #pullAll(device: RegisteredDevice): Promise<Pick<SyncReport, 'leases' | 'account'>> {
		const { db, tasks, contributions, settings } = this.storage;
		let cursor = await settings.get<string | null>(CURSOR_KEY, null);
		for (let page = 1; ; page++) {
			const response = await this.api.pull({ clientId: device.clientId, cursor });
			const account: AccountSnapshot = {
				points: response.points,
				user: response.user,
				syncedAt: this.now()
			};
			await db.transaction('rw', [db.tasks, db.contributions, db.settings], async () => {
				const answered = new Set((await contributions.pending()).map((c) => c.taskId));
				const { put, remove } = mergeLeases(await tasks.held(), response.leases, answered);
				await tasks.releaseMany(remove);
				await tasks.saveLeased(put);
				const changes = contributionChanges(
					await contributions.recent(),
					response.messages,
					device.clientId
				);
				for (const { taskId, changes: fields } of changes) {
					await contributions.update(taskId, fields);
				}
				await settings.set(CURSOR_KEY, response.cursor);
				await settings.set(ACCOUNT_KEY, account);
			});
			cursor = response.cursor;
			if (!response.more || page === MAX_PULL_PAGES) {
				return { leases: response.leases.length, account };
			}
		}
	}
}

// Notices new model versions without the user opening the Models page: at start, when the
// network comes back, when the page becomes visible again after a while, and every few hours.
// Each look is one conditional request per model (the registry answers 304 while nothing was
// published). A device that holds no registry model has nothing to update, so the watch leaves
// the model manager and its worker unopened there.
//
// Created once by the root layout, like the sync status; never a module singleton.
import type { HearthStorage } from '$lib/db/open';
import type { ModelManager } from './model-manager.svelte';
import type { Schedule } from '$lib/sync/sync-status.svelte';

export interface UpdateWatchOptions {
	/** Between looks while the app stays open. */
	intervalMs: number;
	/** A page shown again looks only when the last look is at least this old. */
	staleMs: number;
	schedule: Schedule;
	now: () => number;
}

export const defaultUpdateWatchOptions: UpdateWatchOptions = {
	intervalMs: 3 * 60 * 60_000,
	staleMs: 30 * 60_000,
	schedule: (run, delayMs) => {
		const timer = setTimeout(run, delayMs);
		return () => clearTimeout(timer);
	},
	now: Date.now
};

export class ModelUpdateWatch {
	/** The model manager once the watch (or a page) opened it; the update offers live on it. */
	manager = $state<ModelManager | null>(null);

	#lastLook = -Infinity;
	#cancelTimer: () => void = () => {};
	#looking: Promise<void> | null = null;

	constructor(
		private readonly openModels: () => Promise<ModelManager>,
		/** True when the device holds some registry model's files. */
		private readonly holdsModels: () => Promise<boolean>,
		private readonly options: UpdateWatchOptions = defaultUpdateWatchOptions
	) {}

	/** Starts the triggers and a first look; returns the function that stops them. */
	start(
		win: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
		doc: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'> = document
	): () => void {
		const onOnline = () => void this.look();
		const onVisible = () => {
			const stale = this.options.now() - this.#lastLook >= this.options.staleMs;
			if (doc.visibilityState === 'visible' && stale) void this.look();
		};
		win.addEventListener('online', onOnline);
		doc.addEventListener('visibilitychange', onVisible);
		void this.look();
		return () => {
			this.#cancelTimer();
			win.removeEventListener('online', onOnline);
			doc.removeEventListener('visibilitychange', onVisible);
		};
	}

	/** Looks for updates now, or joins the look under way. Never throws: offline, nothing changes. */
	look(): Promise<void> {
		this.#looking ??= this.#look()
			.catch(() => {})
			.finally(() => {
				this.#looking = null;
				this.#lastLook = this.options.now();
				this.#cancelTimer();
				this.#cancelTimer = this.options.schedule(() => void this.look(), this.options.intervalMs);
			});
		return this.#looking;
	}

	async #look(): Promise<void> {
		if (!this.manager) {
			if (!(await this.holdsModels())) return;
			// Opening the manager looks for updates as part of its start.
			this.manager = await this.openModels();
			return;
		}
		await this.manager.checkUpdates();
	}
}

/** Whether the device holds a version of some registry model (the only kind that updates). */
export async function holdsRegistryModel(storage: () => Promise<HearthStorage>): Promise<boolean> {
	const installs = await (await storage()).modelInstalls.all();
	return [...installs.values()].some((state) => state.current?.version != null);
}

import { Workbox } from 'workbox-window';

/** `available`: a new version is installed (or already active in another tab). */
export type UpdateStatus = 'current' | 'available' | 'applying';

/**
 * Registers the service worker and applies a new version only when the user asks: the page
 * may hold unsynced work, so a waiting worker never takes over on its own.
 *
 * One instance per root layout, handed down through context rather than living at module
 * level: it owns a registration, event listeners and a timer whose lifetime is the app
 * shell's, and a module singleton would outlive a remounted shell (tests, HMR) and keep
 * reloading pages that no longer exist.
 */
export class AppUpdate {
	status = $state<UpdateStatus>('current');

	#workbox: Workbox | null = null;
	#workerWaiting = false;
	#hadController = false;
	#timer: ReturnType<typeof setInterval> | undefined;

	constructor(
		private readonly scriptUrl: string,
		/** The browser checks on navigation; a tab left open for days needs this too. */
		private readonly checkEveryMs: number = 60 * 60 * 1000,
		/** The first install took control of this page, which loaded its files without it. */
		private readonly onFirstControl: () => void = () => {}
	) {}

	async start(): Promise<void> {
		if (!('serviceWorker' in navigator)) return;
		const workbox = new Workbox(this.scriptUrl);
		this.#hadController = navigator.serviceWorker.controller !== null;

		workbox.addEventListener('waiting', () => {
			this.#workerWaiting = true;
			if (this.status === 'current') this.status = 'available';
		});
		workbox.addEventListener('controlling', () => {
			const wasControlled = this.#hadController;
			this.#hadController = true;
			if (this.status === 'applying') location.reload();
			// Another tab applied the update: this page runs the old code under the new worker
			// and only a reload brings them back together.
			else if (wasControlled) {
				this.#workerWaiting = false;
				this.status = 'available';
			}
			// Otherwise this was the first install claiming the page: nothing changed, but what
			// the page loaded so far went past the worker's caches.
			else this.onFirstControl();
		});

		this.#workbox = workbox;
		await workbox.register();
		this.#timer = setInterval(() => void workbox.update(), this.checkEveryMs);
	}

	/** The user's click on "Update available — reload". */
	apply(): void {
		this.status = 'applying';
		if (this.#workerWaiting && this.#workbox) this.#workbox.messageSkipWaiting();
		else location.reload();
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}

// Background Sync, where the browser has it (Chromium): work queued while offline reaches the
// server when the network returns even if no Hearth page is open by then. Whenever the page's
// own sync leaves entries waiting, it asks for a one-off sync; the browser then wakes the
// service worker once it is online, which runs the same sync engine over the same database
// (`worker-sync.ts`), under the same lock, so page and worker never push the same entries twice.
// Elsewhere this does nothing and the page's triggers (start, `online`, a visible page, the
// timer) carry the outbox alone.

export const OUTBOX_SYNC_TAG = 'hearth-outbox';
/** What the worker tells open pages after it synced, so they re-read their counts. */
export const OUTBOX_SYNCED_MESSAGE = 'hearth-outbox-synced';

interface SyncManagerLike {
	register(tag: string): Promise<void>;
}

/** Resolves to whether the browser took the request. Never throws. */
export async function requestBackgroundSync(
	container: ServiceWorkerContainer | undefined = globalThis.navigator?.serviceWorker
): Promise<boolean> {
	try {
		// Not `ready`: without a registered worker (development) it would never resolve.
		const registration = await container?.getRegistration();
		const sync = (registration as { sync?: SyncManagerLike } | undefined)?.sync;
		if (!registration?.active || !sync) return false;
		await sync.register(OUTBOX_SYNC_TAG);
		return true;
	} catch {
		// Refused (permission, a private window): the page's own triggers remain.
		return false;
	}
}

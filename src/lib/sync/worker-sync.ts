// The service worker's half of Background Sync (see background-sync.ts): one sync of this
// origin's outbox, as the page would run it. Throwing tells the browser the sync failed, and it
// tries again later with its own backoff.
import { HearthDatabase } from '$lib/db/database';
import { openHearthStorage } from '$lib/db/open';
import { PersistenceRequest } from '$lib/db/persistence';
import { HearthApi } from './api-client';
import { SyncEngine } from './sync-engine';

/** Resolves to whether anything was sent. */
export async function syncOutboxInWorker(): Promise<boolean> {
	// Workers cannot ask for persistent storage; the page already did.
	const storage = openHearthStorage(new HearthDatabase(), new PersistenceRequest(undefined));
	try {
		if ((await storage.outbox.count()) === 0) return false;
		const engine = new SyncEngine(storage, new HearthApi((input, init) => fetch(input, init)));
		await engine.sync();
		return true;
	} finally {
		storage.db.close();
	}
}

import type { HearthStorage } from '$lib/db/open';
import { HearthApi } from './api-client';
import { SyncEngine } from './sync-engine';

/**
 * The sync engine over the device database and the same-origin API, made once per caller on
 * first use (the storage opens lazily, and the engine must not exist twice for one page, or
 * two syncs could interleave).
 */
export function lazySync(
	storage: () => Promise<HearthStorage>
): () => Promise<{ storage: HearthStorage; engine: SyncEngine }> {
	let opening: Promise<{ storage: HearthStorage; engine: SyncEngine }> | undefined;
	return () =>
		(opening ??= storage().then((s) => ({
			storage: s,
			engine: new SyncEngine(s, new HearthApi((input, init) => fetch(input, init)))
		})));
}

import type { HearthStorage } from '$lib/db/open';
import type { SyncEngine } from './sync-engine';

/**
 * The sync engine over the device database and the same-origin API, made once on first use:
 * the root layout makes one for the whole app, since two engines could interleave two syncs.
 * The engine's code loads then too, off the entry bundle.
 */
export function lazySync(
	storage: () => Promise<HearthStorage>
): () => Promise<{ storage: HearthStorage; engine: SyncEngine }> {
	let opening: Promise<{ storage: HearthStorage; engine: SyncEngine }> | undefined;
	return () =>
		(opening ??= Promise.all([storage(), import('./sync-engine'), import('./api-client')]).then(
			([s, { SyncEngine }, { HearthApi }]) => ({
				storage: s,
				engine: new SyncEngine(s, new HearthApi((input, init) => fetch(input, init)))
			})
		));
}

import type { HearthStorage } from '$lib/db/open';

/**
 * Opens the device database the first time a page asks for it, by a dynamic import: Dexie
 * and the repositories stay out of the entry bundle, so first paint never waits for them.
 */
export function lazyStorage(): () => Promise<HearthStorage> {
	let opening: Promise<HearthStorage> | undefined;
	return () => (opening ??= import('$lib/db/open').then((m) => m.openHearthStorage()));
}

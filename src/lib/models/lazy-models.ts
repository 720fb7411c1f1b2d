import type { HearthStorage } from '$lib/db/open';
import type { ModelManager } from './model-manager.svelte';

/**
 * The app's model manager, created and initialised the first time a page asks for it. One per
 * app (the root layout holds it), so a download started on the Models page keeps going while
 * the user chats, and the model loaded in the worker is the same for every page.
 */
export function lazyModels(storage: () => Promise<HearthStorage>): () => Promise<ModelManager> {
	let opening: Promise<ModelManager> | undefined;
	return () =>
		(opening ??= Promise.all([storage(), import('./open-models')]).then(async ([s, m]) => {
			const manager = m.openModels(s);
			await manager.init();
			return manager;
		}));
}

import type { HearthStorage } from '$lib/db/open';
import type { KeepFiles } from '$lib/engine/inference-client';
import type { ModelManager } from './model-manager.svelte';

/**
 * The app's model manager, created and initialised the first time a page asks for it. One per
 * app (the root layout holds it), so a download started on the Models page keeps going while
 * the user chats, and the model loaded in the worker is the same for every page.
 */
export function lazyModels(
	storage: () => Promise<HearthStorage>,
	keepFiles?: KeepFiles
): LazyModels {
	let opening: Promise<ModelManager> | undefined;
	const open = () =>
		(opening ??= Promise.all([storage(), import('./open-models')]).then(async ([s, m]) => {
			const manager = m.openModels(s, keepFiles);
			await manager.init();
			return manager;
		}));
	return Object.assign(open, { ifOpened: () => opening ?? null });
}

/** Opens the manager on first call; `ifOpened` gives it only when a page already asked for it. */
export type LazyModels = (() => Promise<ModelManager>) & {
	ifOpened(): Promise<ModelManager> | null;
};

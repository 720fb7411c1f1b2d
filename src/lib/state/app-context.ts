import { createContext } from 'svelte';
import type { HearthStorage } from '$lib/db/open';
import type { ModelManager } from '$lib/models/model-manager.svelte';
import type { AppUpdate } from '$lib/pwa/app-update.svelte';
import type { OpenSync } from '$lib/sync/sync-status.svelte';

/** What the root layout hands to every page and component below it. */
export interface AppContext {
	update: AppUpdate;
	/** The device database, opened on first use (see `lazyStorage`). */
	storage: () => Promise<HearthStorage>;
	/** The models and the inference worker, created on first use (see `lazyModels`). */
	models: () => Promise<ModelManager>;
	/** The one sync engine of the page, made on first use (see `lazySync`). */
	sync: OpenSync;
}

export const [getAppContext, setAppContext] = createContext<AppContext>();

import { createContext } from 'svelte';
import type { HearthStorage } from '$lib/db/open';
import type { AppUpdate } from '$lib/pwa/app-update.svelte';

/** What the root layout hands to every page and component below it. */
export interface AppContext {
	update: AppUpdate;
	/** The device database, opened on first use (see `lazyStorage`). */
	storage: () => Promise<HearthStorage>;
}

export const [getAppContext, setAppContext] = createContext<AppContext>();

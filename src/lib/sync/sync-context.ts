import { createContext } from 'svelte';
import type { SyncStatus } from './sync-status.svelte';

/** The Contribute section's sync status, set by its layout for the pages and components below. */
export const [getSyncStatus, setSyncStatus] = createContext<SyncStatus>();

import type { Task } from '$lib/protocol/tasks';

/**
 * A contribution task the server leased to this device for offline work. `task` is the wire
 * shape from the sync protocol, kept as received; the sync client validates it before use.
 */
export interface StoredLeasedTask<T = unknown> {
	id: string;
	type: string;
	lang: string;
	leasedAt: number;
	/** Work submitted after this is still accepted while its target is valid. */
	expiresAt: number;
	/** Topic tags of the task's tree, for choosing tasks by topic offline. */
	tags?: string[];
	task: T;
}

/** A stored lease whose task passed the sync client's validation: what the contribute UI holds. */
export type HeldTask = StoredLeasedTask<Task>;

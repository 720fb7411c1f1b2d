import type { HearthDatabase } from './database';
import type { PersistenceRequest } from './persistence';
import type { StoredDraft } from './records/draft';
import { toStorable } from './snapshot.svelte';

export class DraftsRepository {
	constructor(
		private readonly db: HearthDatabase,
		private readonly persistence: PersistenceRequest
	) {}

	async get<V>(key: string): Promise<StoredDraft<V> | undefined> {
		return (await this.db.drafts.get(key)) as StoredDraft<V> | undefined;
	}

	/** Called on every change of the form: the last saved value is what a reload restores. */
	async save<V>(key: string, value: V, now: number = Date.now()): Promise<void> {
		await this.db.drafts.put({ key, value: toStorable(value), updatedAt: now });
		this.persistence.ensure();
	}

	/** Drops a draft once its content has been sent or queued in the outbox. */
	discard(key: string): Promise<void> {
		return this.db.drafts.delete(key);
	}

	count(): Promise<number> {
		return this.db.drafts.count();
	}
}

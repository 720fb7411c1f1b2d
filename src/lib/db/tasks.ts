import type { HearthDatabase } from './database';
import type { StoredLeasedTask } from './records/leased-task';
import { toStorable } from './snapshot.svelte';

export class TasksRepository {
	constructor(private readonly db: HearthDatabase) {}

	/** Stores tasks the server leased, replacing earlier copies of the same tasks. */
	async saveLeased(tasks: readonly StoredLeasedTask[]): Promise<void> {
		await this.db.tasks.bulkPut(toStorable([...tasks]));
	}

	get(id: string): Promise<StoredLeasedTask | undefined> {
		return this.db.tasks.get(id);
	}

	/** Held tasks, the one whose lease ends first first. */
	held(): Promise<StoredLeasedTask[]> {
		return this.db.tasks.orderBy('expiresAt').toArray();
	}

	count(): Promise<number> {
		return this.db.tasks.count();
	}

	/** Drops a task that was done or skipped (its result is in the outbox by then). */
	release(id: string): Promise<void> {
		return this.db.tasks.delete(id);
	}

	/** Drops tasks whose leases the server no longer lists (done elsewhere, taken back). */
	releaseMany(ids: readonly string[]): Promise<void> {
		return this.db.tasks.bulkDelete([...ids]);
	}
}

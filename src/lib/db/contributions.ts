import type { HearthDatabase } from './database';
import type { StoredContribution } from './records/contribution';
import { toStorable } from './snapshot.svelte';

/**
 * The device's log of queued contributions. `add` belongs in the same Dexie transaction as the
 * outbox entry that carries the contribution.
 */
export class ContributionsRepository {
	constructor(private readonly db: HearthDatabase) {}

	async add(contribution: StoredContribution): Promise<void> {
		await this.db.contributions.put(toStorable(contribution));
	}

	/** Newest first. */
	recent(): Promise<StoredContribution[]> {
		return this.db.contributions.orderBy('createdAt').reverse().toArray();
	}

	bySeq(seqs: readonly number[]): Promise<StoredContribution[]> {
		return this.db.contributions
			.where('seq')
			.anyOf([...seqs])
			.toArray();
	}

	/** Those still waiting for the server: their tasks are done here even if leases say open. */
	pending(): Promise<StoredContribution[]> {
		return this.db.contributions.where('state').equals('pending').toArray();
	}

	async update(
		taskId: string,
		changes: Partial<Omit<StoredContribution, 'taskId'>>
	): Promise<void> {
		await this.db.contributions.update(taskId, toStorable(changes));
	}
}

import type { ConversationChanges } from './conversations';
import type { HearthDatabase } from './database';
import type { PersistenceRequest } from './persistence';
import type { StoredMessage } from './records/message';
import { toStorable } from './snapshot.svelte';

export interface ThreadChange {
	/** New messages, or newer states of existing ones. */
	put?: readonly StoredMessage[];
	/** Messages to delete (a subtree the chat logic computed). */
	remove?: readonly string[];
	/** The conversation's own fields that change with it, e.g. `currentLeafId` or `title`. */
	conversation?: ConversationChanges;
}

/**
 * Changes to a conversation's tree that must land together: a user message, its reply and the
 * visible leaf that now points at them; a deleted branch and the leaf that moves away from it.
 * One Dexie transaction each, so a closed tab never leaves a leaf pointing at nothing.
 */
export class ChatThreadRepository {
	constructor(
		private readonly db: HearthDatabase,
		private readonly persistence: PersistenceRequest
	) {}

	async apply(
		conversationId: string,
		change: ThreadChange,
		now: number = Date.now()
	): Promise<void> {
		const put = (change.put ?? []).map((m) => toStorable(m));
		const stray = put.find((m) => m.conversationId !== conversationId);
		if (stray)
			throw new Error(`message ${stray.id} belongs to conversation ${stray.conversationId}`);
		const conversation = toStorable(change.conversation ?? {});
		await this.db.transaction('rw', this.db.messages, this.db.conversations, async () => {
			const updated = await this.db.conversations.update(conversationId, {
				updatedAt: now,
				...conversation
			});
			if (updated === 0) throw new Error(`conversation ${conversationId} does not exist`);
			if (change.remove?.length) await this.db.messages.bulkDelete([...change.remove]);
			if (put.length) await this.db.messages.bulkPut(put);
		});
		if (put.length) this.persistence.ensure();
	}

	/** Ids of conversations with a message containing `text` (case-insensitive), for search. */
	async conversationsMentioning(text: string): Promise<Set<string>> {
		const needle = text.toLowerCase();
		const ids = new Set<string>();
		await this.db.messages
			.filter((m) => m.content.toLowerCase().includes(needle))
			.each((m) => void ids.add(m.conversationId));
		return ids;
	}
}

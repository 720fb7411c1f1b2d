import type { HearthDatabase } from './database';
import type { PersistenceRequest } from './persistence';
import type { StoredMessage } from './records/message';
import { toStorable } from './snapshot.svelte';

export class MessagesRepository {
	constructor(
		private readonly db: HearthDatabase,
		private readonly persistence: PersistenceRequest
	) {}

	/**
	 * Stores a new message or a newer state of one (a reply being streamed), and marks its
	 * conversation active in the same transaction. With `select`, the message also becomes
	 * the conversation's visible leaf.
	 */
	async save(
		message: StoredMessage,
		{ select = false }: { select?: boolean } = {},
		now: number = Date.now()
	): Promise<void> {
		const plain = toStorable(message);
		await this.db.transaction('rw', this.db.messages, this.db.conversations, async () => {
			const updated = await this.db.conversations.update(plain.conversationId, {
				updatedAt: now,
				...(select ? { currentLeafId: plain.id } : {})
			});
			if (updated === 0) throw new Error(`conversation ${plain.conversationId} does not exist`);
			await this.db.messages.put(plain);
		});
		this.persistence.ensure();
	}

	/** Every message of the conversation (all branches), oldest first. */
	inConversation(conversationId: string): Promise<StoredMessage[]> {
		return this.db.messages.where('conversationId').equals(conversationId).sortBy('createdAt');
	}

	/** Deletes messages by id, e.g. a subtree the chat logic computed. */
	remove(ids: readonly string[]): Promise<void> {
		return this.db.messages.bulkDelete([...ids]);
	}
}

import type { HearthDatabase } from './database';
import type { StoredConversation } from './records/conversation';
import { toStorable } from './snapshot.svelte';

export type ConversationChanges = Partial<Omit<StoredConversation, 'id' | 'createdAt'>>;

export class ConversationsRepository {
	constructor(private readonly db: HearthDatabase) {}

	async create(
		fields: Pick<StoredConversation, 'title'> & Partial<Pick<StoredConversation, 'systemPrompt'>>,
		now: number = Date.now()
	): Promise<StoredConversation> {
		const conversation: StoredConversation = {
			...toStorable(fields),
			id: crypto.randomUUID(),
			createdAt: now,
			updatedAt: now,
			currentLeafId: null
		};
		await this.db.conversations.add(conversation);
		return conversation;
	}

	get(id: string): Promise<StoredConversation | undefined> {
		return this.db.conversations.get(id);
	}

	/** Most recently active first: the order of the conversation list. */
	recent(): Promise<StoredConversation[]> {
		return this.db.conversations.orderBy('updatedAt').reverse().toArray();
	}

	count(): Promise<number> {
		return this.db.conversations.count();
	}

	async update(id: string, changes: ConversationChanges, now: number = Date.now()): Promise<void> {
		const updated = await this.db.conversations.update(id, {
			updatedAt: now,
			...toStorable(changes)
		});
		if (updated === 0) throw new Error(`conversation ${id} does not exist`);
	}

	/** Deletes the conversation with all its messages, or neither. */
	async remove(id: string): Promise<void> {
		await this.db.transaction('rw', this.db.conversations, this.db.messages, async () => {
			await this.db.messages.where('conversationId').equals(id).delete();
			await this.db.conversations.delete(id);
		});
	}
}

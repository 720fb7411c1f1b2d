import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '$lib/db/records/message';
import { openTestStorage } from './open-test-storage';

function message(
	id: string,
	conversationId: string,
	parentId: string | null,
	createdAt: number
): StoredMessage {
	return {
		id,
		conversationId,
		parentId,
		role: 'user',
		content: id,
		createdAt,
		model: null,
		stats: null
	};
}

describe('conversations and messages', () => {
	it('lists conversations by last activity, a new message moving its conversation to the top', async () => {
		const { storage } = openTestStorage();
		const older = await storage.conversations.create({ title: 'older' }, 100);
		const newer = await storage.conversations.create({ title: 'newer' }, 200);

		await storage.messages.save(message('m1', older.id, null, 300), {}, 300);

		expect((await storage.conversations.recent()).map((c) => c.title)).toEqual(['older', 'newer']);
		expect(newer.currentLeafId).toBeNull();
	});

	it('moves the visible leaf only when asked to select the saved message', async () => {
		const { storage } = openTestStorage();
		const chat = await storage.conversations.create({ title: 'branching' });
		await storage.messages.save(message('root', chat.id, null, 1), { select: true });
		await storage.messages.save(message('first', chat.id, 'root', 2), { select: true });
		await storage.messages.save(message('sibling', chat.id, 'root', 3));

		expect((await storage.conversations.get(chat.id))?.currentLeafId).toBe('first');
		expect((await storage.messages.inConversation(chat.id)).map((m) => m.id)).toEqual([
			'root',
			'first',
			'sibling'
		]);
	});

	it('refuses a message for a conversation that does not exist and stores nothing', async () => {
		const { storage } = openTestStorage();
		await expect(storage.messages.save(message('lost', 'nowhere', null, 1))).rejects.toThrow(
			'conversation nowhere does not exist'
		);
		expect(await storage.messages.inConversation('nowhere')).toEqual([]);
	});

	it('saves a streamed reply again under the same id instead of adding a copy', async () => {
		const { storage } = openTestStorage();
		const chat = await storage.conversations.create({ title: 'stream' });
		const reply = { ...message('r', chat.id, null, 1), role: 'assistant' as const, content: 'Hel' };
		await storage.messages.save(reply);
		await storage.messages.save({ ...reply, content: 'Hello' });

		expect((await storage.messages.inConversation(chat.id)).map((m) => m.content)).toEqual([
			'Hello'
		]);
	});

	it('deletes a conversation together with all its messages', async () => {
		const { storage } = openTestStorage();
		const gone = await storage.conversations.create({ title: 'gone' });
		const kept = await storage.conversations.create({ title: 'kept' });
		await storage.messages.save(message('a', gone.id, null, 1));
		await storage.messages.save(message('b', kept.id, null, 2));

		await storage.conversations.remove(gone.id);

		expect(await storage.conversations.get(gone.id)).toBeUndefined();
		expect(await storage.messages.inConversation(gone.id)).toEqual([]);
		expect((await storage.messages.inConversation(kept.id)).map((m) => m.id)).toEqual(['b']);
	});

	it('names the conversation when an update targets one that does not exist', async () => {
		const { storage } = openTestStorage();
		await expect(storage.conversations.update('missing', { title: 'x' })).rejects.toThrow(
			'conversation missing does not exist'
		);
	});
});

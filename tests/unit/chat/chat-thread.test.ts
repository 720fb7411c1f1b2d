import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '$lib/db/records/message';
import { openTestStorage } from '../db/open-test-storage';

function message(id: string, conversationId: string, parentId: string | null): StoredMessage {
	return {
		id,
		conversationId,
		parentId,
		role: parentId ? 'assistant' : 'user',
		content: id,
		createdAt: 1,
		model: null,
		stats: null
	};
}

describe('ChatThreadRepository.apply', () => {
	it('stores messages and moves the leaf together', async () => {
		const { storage, manager } = openTestStorage();
		const c = await storage.conversations.create({ title: 't' }, 1);
		await storage.chatThread.apply(
			c.id,
			{
				put: [message('u', c.id, null), message('a', c.id, 'u')],
				conversation: { currentLeafId: 'a' }
			},
			50
		);
		expect((await storage.messages.inConversation(c.id)).map((m) => m.id).sort()).toEqual([
			'a',
			'u'
		]);
		expect(await storage.conversations.get(c.id)).toMatchObject({
			currentLeafId: 'a',
			updatedAt: 50
		});
		expect(manager.persistCalls).toBe(1);
	});

	it('deletes a branch and moves the leaf away from it in one step', async () => {
		const { storage } = openTestStorage();
		const c = await storage.conversations.create({ title: 't' });
		await storage.chatThread.apply(c.id, {
			put: [message('u', c.id, null), message('a', c.id, 'u'), message('b', c.id, 'u')],
			conversation: { currentLeafId: 'b' }
		});
		await storage.chatThread.apply(c.id, { remove: ['b'], conversation: { currentLeafId: 'a' } });
		expect((await storage.messages.inConversation(c.id)).map((m) => m.id).sort()).toEqual([
			'a',
			'u'
		]);
		expect((await storage.conversations.get(c.id))?.currentLeafId).toBe('a');
	});

	it('writes nothing when the conversation is gone', async () => {
		const { storage } = openTestStorage();
		await expect(
			storage.chatThread.apply('nope', { put: [message('u', 'nope', null)] })
		).rejects.toThrow('conversation nope does not exist');
		expect(await storage.messages.inConversation('nope')).toEqual([]);
	});

	it('refuses a message of another conversation', async () => {
		const { storage } = openTestStorage();
		const c = await storage.conversations.create({ title: 't' });
		await expect(
			storage.chatThread.apply(c.id, { put: [message('u', 'other', null)] })
		).rejects.toThrow('message u belongs to conversation other');
	});

	it('finds conversations by message text, ignoring case', async () => {
		const { storage } = openTestStorage();
		const c = await storage.conversations.create({ title: 't' });
		await storage.chatThread.apply(c.id, {
			put: [{ ...message('u', c.id, null), content: 'Gouda' }]
		});
		expect(await storage.chatThread.conversationsMentioning('gOUDA')).toEqual(new Set([c.id]));
		expect(await storage.chatThread.conversationsMentioning('brie')).toEqual(new Set());
	});
});

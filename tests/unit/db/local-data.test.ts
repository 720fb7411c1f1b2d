import { describe, expect, it } from 'vitest';
import { countLocalData, describeLocalData } from '$lib/db/local-data';
import { openTestStorage } from './open-test-storage';

describe('local data', () => {
	it('counts conversations, documents, drafts and changes waiting to sync', async () => {
		const { storage } = openTestStorage();
		expect(await countLocalData(storage)).toEqual({
			conversations: 0,
			documents: 0,
			drafts: 0,
			pending: 0
		});

		await storage.conversations.create({ title: 'Numbers' });
		await storage.documents.add({ title: 'Recipes', text: 'Bake at 180 °C.', kind: 'note' });
		await storage.drafts.save('chat:a', 'half a thought');
		await storage.drafts.save('task:b', { text: 'a reply' });
		await storage.outbox.enqueue({ name: 'release_task', args: { taskId: 'b' } });
		expect(await countLocalData(storage)).toEqual({
			conversations: 1,
			documents: 1,
			drafts: 2,
			pending: 1
		});
	});

	it('reads as a sentence, singular and plural', () => {
		expect(describeLocalData({ conversations: 1, documents: 3, drafts: 2, pending: 0 })).toBe(
			'1 conversation, 3 documents, 2 unsent drafts, 0 changes waiting to sync'
		);
		expect(describeLocalData({ conversations: 0, documents: 1, drafts: 1, pending: 1 })).toBe(
			'0 conversations, 1 document, 1 unsent draft, 1 change waiting to sync'
		);
	});
});

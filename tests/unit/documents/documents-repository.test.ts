import { describe, expect, it } from 'vitest';
import { openTestStorage } from '../db/open-test-storage';

async function settle(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('documents repository', () => {
	it('adds a document with its size in UTF-8 bytes and gets it back whole', async () => {
		const { storage } = openTestStorage();
		const added = await storage.documents.add(
			{ title: 'Oven', text: 'Bake at 180 °C.', kind: 'note' },
			1_000
		);

		expect(added).toMatchObject({ size: 16, createdAt: 1_000, updatedAt: 1_000 });
		expect(await storage.documents.get(added.id)).toEqual({
			id: added.id,
			title: 'Oven',
			text: 'Bake at 180 °C.',
			kind: 'note',
			size: 16,
			createdAt: 1_000,
			updatedAt: 1_000
		});
	});

	it('lists the most recently changed first, without their texts', async () => {
		const { storage } = openTestStorage();
		const first = await storage.documents.add({ title: 'A', text: 'aaa', kind: 'text' }, 1);
		const second = await storage.documents.add({ title: 'B', text: 'b', kind: 'markdown' }, 2);
		await storage.documents.update(first.id, { text: 'edited' }, 3);

		const listed = await storage.documents.list();
		expect(listed.map((d) => d.id)).toEqual([first.id, second.id]);
		expect(listed[0]).toEqual({
			id: first.id,
			title: 'A',
			kind: 'text',
			size: 6,
			createdAt: 1,
			updatedAt: 3
		});
		expect(listed.every((d) => !('text' in d))).toBe(true);
	});

	it('updates the title alone without touching the text or its size', async () => {
		const { storage } = openTestStorage();
		const doc = await storage.documents.add({ title: 'Draft', text: 'four', kind: 'note' }, 1);
		await storage.documents.update(doc.id, { title: 'Final' }, 2);
		expect(await storage.documents.get(doc.id)).toMatchObject({
			title: 'Final',
			text: 'four',
			size: 4,
			createdAt: 1,
			updatedAt: 2
		});
	});

	it('refuses to update a document that is gone', async () => {
		const { storage } = openTestStorage();
		await expect(storage.documents.update('missing', { text: 'x' })).rejects.toThrow(
			'document missing does not exist'
		);
	});

	it('removes a document, and gets only those that still exist', async () => {
		const { storage } = openTestStorage();
		const kept = await storage.documents.add({ title: 'Kept', text: 'k', kind: 'note' });
		const gone = await storage.documents.add({ title: 'Gone', text: 'g', kind: 'note' });
		await storage.documents.remove(gone.id);

		expect(await storage.documents.get(gone.id)).toBeUndefined();
		expect(await storage.documents.count()).toBe(1);
		expect((await storage.documents.getMany([gone.id, kept.id])).map((d) => d.title)).toEqual([
			'Kept'
		]);
	});

	it('reads each document’s version from the index', async () => {
		const { storage } = openTestStorage();
		const a = await storage.documents.add({ title: 'A', text: 'a', kind: 'note' }, 5);
		const b = await storage.documents.add({ title: 'B', text: 'b', kind: 'note' }, 7);
		await storage.documents.update(a.id, { text: 'a2' }, 9);

		expect(await storage.documents.versions()).toEqual(
			new Map([
				[b.id, 7],
				[a.id, 9]
			])
		);
	});

	it('asks the browser to keep storage once a document is saved', async () => {
		const { storage, manager } = openTestStorage();
		await storage.documents.add({ title: 'Keep me', text: 'k', kind: 'note' });
		await settle();
		expect(manager.persistCalls).toBe(1);
	});
});

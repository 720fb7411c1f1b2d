import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { HearthDatabase } from '$lib/db/database';
import { storesV1 } from '$lib/db/schema';
import { fakeIndexedDb, uniqueDatabaseName } from './open-test-storage';

/** Writes rows the way the app did when version 1 was current. */
async function writeVersion1(name: string): Promise<void> {
	const v1 = new Dexie(name, fakeIndexedDb);
	v1.version(1).stores(storesV1);
	await v1.table('conversations').bulkAdd([
		{ id: 'quiet', title: 'never answered', createdAt: 500, currentLeafId: null },
		{ id: 'busy', title: 'long chat', createdAt: 100, currentLeafId: 'm3' }
	]);
	await v1.table('messages').bulkAdd([
		{
			id: 'm1',
			conversationId: 'busy',
			parentId: null,
			role: 'user',
			content: 'hi',
			createdAt: 200
		},
		{
			id: 'm2',
			conversationId: 'busy',
			parentId: 'm1',
			role: 'assistant',
			content: 'hello',
			createdAt: 900
		},
		{
			id: 'm3',
			conversationId: 'busy',
			parentId: 'm1',
			role: 'assistant',
			content: 'hey',
			createdAt: 700
		}
	]);
	await v1.table('drafts').add({ key: 'task-1', value: 'half a reply', updatedAt: 50 });
	await v1.table('outbox').bulkAdd([
		{ mutation: { name: 'a' }, createdAt: 1 },
		{ mutation: { name: 'b' }, createdAt: 2 }
	]);
	v1.close();
}

describe('schema upgrade from version 1', () => {
	it('backfills updatedAt from the newest message and orders the list by it', async () => {
		const name = uniqueDatabaseName();
		await writeVersion1(name);

		const db = new HearthDatabase(name, fakeIndexedDb);
		const recent = await db.conversations.orderBy('updatedAt').reverse().toArray();

		expect(db.verno).toBe(2);
		expect(recent.map((c) => [c.id, c.updatedAt])).toEqual([
			['busy', 900],
			['quiet', 500]
		]);
		db.close();
	});

	it('keeps every other row as it was, including the outbox sequence', async () => {
		const name = uniqueDatabaseName();
		await writeVersion1(name);

		const db = new HearthDatabase(name, fakeIndexedDb);
		expect(await db.drafts.get('task-1')).toEqual({
			key: 'task-1',
			value: 'half a reply',
			updatedAt: 50
		});
		expect((await db.messages.where('conversationId').equals('busy').toArray()).length).toBe(3);
		// The key generator continues after the rows written under version 1.
		expect(await db.outbox.add({ mutation: { name: 'c' }, createdAt: 3 })).toBe(3);
		db.close();
	});

	it('creates a fresh database directly at the current version', async () => {
		const db = new HearthDatabase(uniqueDatabaseName(), fakeIndexedDb);
		await db.open();
		expect(db.verno).toBe(2);
		expect(db.tables.map((t) => t.name).sort()).toEqual([
			'conversations',
			'drafts',
			'messages',
			'modelBlobs',
			'outbox',
			'settings',
			'tasks'
		]);
		db.close();
	});
});

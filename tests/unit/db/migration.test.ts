import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { HearthDatabase } from '$lib/db/database';
import { storesV1, storesV2, storesV3 } from '$lib/db/schema';
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

		expect(db.verno).toBe(4);
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
		expect(db.verno).toBe(4);
		expect(db.tables.map((t) => t.name).sort()).toEqual([
			'contributions',
			'conversations',
			'documents',
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

describe('schema upgrade from version 2', () => {
	it('adds the contributions log and keeps queued work, leased tasks and the outbox count', async () => {
		const name = uniqueDatabaseName();
		const v2 = new Dexie(name, fakeIndexedDb);
		v2.version(2).stores(storesV2);
		await v2.table('tasks').add({
			id: 'task-7',
			type: 'assistant_reply',
			lang: 'en',
			leasedAt: 1,
			expiresAt: 2,
			task: { id: 'task-7' }
		});
		await v2.table('drafts').add({ key: 'task:task-7', value: { text: 'half' }, updatedAt: 3 });
		await v2.table('outbox').bulkAdd([
			{ mutation: { name: 'skip_task' }, createdAt: 1 },
			{ mutation: { name: 'skip_task' }, createdAt: 2 }
		]);
		v2.close();

		const db = new HearthDatabase(name, fakeIndexedDb);
		expect(await db.tasks.get('task-7')).toMatchObject({ type: 'assistant_reply' });
		expect((await db.drafts.get('task:task-7'))?.value).toEqual({ text: 'half' });
		expect(await db.contributions.count()).toBe(0);
		// The per-client seq goes on from where version 2 left it.
		expect(await db.outbox.add({ mutation: { name: 'skip_task' }, createdAt: 3 })).toBe(3);
		await db.contributions.add({
			taskId: 'task-7',
			seq: 3,
			taskType: 'assistant_reply',
			kind: 'message',
			summary: 'half',
			treeId: null,
			targetId: null,
			lang: 'en',
			createdAt: 3,
			state: 'pending',
			rejection: null,
			messageId: null,
			status: null,
			rank: null
		});
		expect((await db.contributions.where('state').equals('pending').toArray()).length).toBe(1);
		db.close();
	});
});

describe('schema upgrade from version 3', () => {
	it('adds an empty documents table and keeps conversations, drafts and the contributions log', async () => {
		const name = uniqueDatabaseName();
		const v3 = new Dexie(name, fakeIndexedDb);
		v3.version(3).stores(storesV3);
		await v3.table('conversations').add({
			id: 'c-1',
			title: 'tides',
			createdAt: 1,
			updatedAt: 5,
			currentLeafId: null
		});
		await v3.table('drafts').add({ key: 'chat:c-1', value: 'and the moon?', updatedAt: 6 });
		await v3
			.table('contributions')
			.add({ taskId: 'task-1', seq: 1, state: 'applied', createdAt: 2 });
		v3.close();

		const db = new HearthDatabase(name, fakeIndexedDb);
		expect(await db.conversations.get('c-1')).toMatchObject({ title: 'tides', updatedAt: 5 });
		expect((await db.drafts.get('chat:c-1'))?.value).toBe('and the moon?');
		expect(await db.contributions.where('state').equals('applied').count()).toBe(1);
		expect(await db.documents.count()).toBe(0);

		await db.documents.bulkAdd([
			{ id: 'old', title: 'Old', text: 'a', kind: 'note', size: 1, createdAt: 1, updatedAt: 10 },
			{ id: 'new', title: 'New', text: 'b', kind: 'markdown', size: 1, createdAt: 2, updatedAt: 20 }
		]);
		const newestFirst = await db.documents.orderBy('updatedAt').reverse().primaryKeys();
		expect(newestFirst).toEqual(['new', 'old']);
		db.close();
	});
});

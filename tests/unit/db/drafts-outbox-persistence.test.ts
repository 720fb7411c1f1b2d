import { describe, expect, it } from 'vitest';
import { openTestStorage } from './open-test-storage';

async function settle(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('outbox', () => {
	it('hands out increasing seq numbers that are never reused after acknowledgement', async () => {
		const { storage } = openTestStorage();
		const first = await storage.outbox.enqueue({ name: 'a' });
		const second = await storage.outbox.enqueue({ name: 'b' });
		expect(await storage.outbox.acknowledge(second)).toBe(2);
		const third = await storage.outbox.enqueue({ name: 'c' });

		expect([first, second, third]).toEqual([1, 2, 3]);
		expect((await storage.outbox.pending(10)).map((e) => e.mutation)).toEqual([{ name: 'c' }]);
	});

	it('rolls back the queued mutation with the local change when the transaction fails', async () => {
		const { storage } = openTestStorage();
		await storage.drafts.save('task-9', 'my reply');
		const { db } = storage;

		await expect(
			db.transaction('rw', [db.drafts, db.outbox], async () => {
				await storage.outbox.enqueue({ name: 'submit', task: 'task-9' });
				await storage.drafts.discard('task-9');
				throw new Error('crash between writes');
			})
		).rejects.toThrow('crash between writes');

		expect(await storage.outbox.count()).toBe(0);
		expect((await storage.drafts.get('task-9'))?.value).toBe('my reply');
	});
});

describe('persistent storage request', () => {
	it('asks once, on the first save that matters, and not for settings', async () => {
		const { storage, manager } = openTestStorage();
		await storage.settings.set('theme', 'dark');
		await settle();
		expect(manager.persistCalls).toBe(0);

		await storage.drafts.save('composer:new', 'h');
		await storage.drafts.save('composer:new', 'he');
		await storage.outbox.enqueue({ name: 'x' });
		await settle();
		expect(manager.persistCalls).toBe(1);
	});

	it('does not ask again when the browser already persists the origin', async () => {
		const { storage, manager } = openTestStorage();
		manager.persistedNow = true;
		await storage.drafts.save('composer:new', 'h');
		await settle();
		expect(manager.persistCalls).toBe(0);
	});
});

describe('settings and tasks', () => {
	it('returns the fallback for a setting never set, the stored value after', async () => {
		const { storage } = openTestStorage();
		expect(await storage.settings.get('model', 'auto')).toBe('auto');
		await storage.settings.set('model', 'smollm2-360m');
		expect(await storage.settings.get('model', 'auto')).toBe('smollm2-360m');
	});

	it('keeps leased tasks ordered by the end of their lease', async () => {
		const { storage } = openTestStorage();
		const lease = (id: string, expiresAt: number) => ({
			id,
			type: 'rank_assistant_replies',
			lang: 'en',
			leasedAt: 0,
			expiresAt,
			task: { id }
		});
		await storage.tasks.saveLeased([lease('late', 300), lease('soon', 100)]);
		await storage.tasks.release('late');
		await storage.tasks.saveLeased([lease('middle', 200)]);
		expect((await storage.tasks.held()).map((t) => t.id)).toEqual(['soon', 'middle']);
	});
});

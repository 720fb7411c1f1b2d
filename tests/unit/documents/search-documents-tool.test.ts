import { describe, expect, it, vi } from 'vitest';
import type { Tool } from '$lib/shared/tools/tool';
import { searchDocumentsTool } from '$lib/tools/documents';
import { openTestStorage } from '../db/open-test-storage';

const search = (tool: Tool, query: string, signal = new AbortController().signal) =>
	tool.run({ query }, { signal });

async function storageWith(...documents: { title: string; text: string }[]) {
	const { storage } = openTestStorage();
	const added = [];
	for (const document of documents)
		added.push(await storage.documents.add({ ...document, kind: 'note' }));
	return { storage, added };
}

const bikeLock = { title: 'Bike', text: 'The code of my bike lock is 4711.\n\nThe bike is blue.' };
const garden = { title: 'Garden', text: 'Water the tomatoes every evening in July.' };

describe('search_documents on the device', () => {
	it('is the search_documents tool with its query argument', async () => {
		const { storage } = await storageWith();
		const tool = searchDocumentsTool(storage);
		expect(tool.name).toBe('search_documents');
		expect(tool.arguments.safeParse({ query: ' ' }).success).toBe(false);
	});

	it('finds the fact a question asks for, numbered and with its document’s title', async () => {
		const { storage, added } = await storageWith(garden, bikeLock);
		const output = await search(searchDocumentsTool(storage), 'What is my bike lock code?');

		expect(output.text.split('\n')[0]).toBe(
			'[1] Bike: The code of my bike lock is 4711. The bike is blue.'
		);
		expect(output.sources?.[0]).toEqual({
			id: `${added[1].id}#0`,
			title: 'Bike',
			text: 'The code of my bike lock is 4711. The bike is blue.'
		});
		expect(output.text).not.toContain('tomatoes');
	});

	it('says plainly that nothing matches when there are no documents', async () => {
		const { storage } = await storageWith();
		expect(await search(searchDocumentsTool(storage), 'bike lock code')).toEqual({
			text: 'No passage in your documents matches "bike lock code".'
		});
	});

	it('forgets a removed document and finds one added or edited after the first search', async () => {
		const { storage, added } = await storageWith(bikeLock, garden);
		const tool = searchDocumentsTool(storage);
		expect((await search(tool, 'bike lock')).text).toContain('4711');

		await storage.documents.remove(added[0].id);
		expect((await search(tool, 'bike lock')).text).toBe(
			'No passage in your documents matches "bike lock".'
		);

		await storage.documents.add({
			title: 'Locks',
			text: 'The new bike lock opens with 0815.',
			kind: 'text'
		});
		await storage.documents.update(
			added[1].id,
			{ text: 'Water the roses on Sundays.' },
			Date.now() + 1
		);
		expect((await search(tool, 'bike lock')).text).toBe(
			'[1] Locks: The new bike lock opens with 0815.'
		);
		expect((await search(tool, 'tomatoes')).text).toMatch(/^No passage/);
		expect((await search(tool, 'roses')).text).toBe('[1] Garden: Water the roses on Sundays.');
	});

	it('reads texts once: later searches read only the documents that changed', async () => {
		const { storage, added } = await storageWith(bikeLock, garden);
		const getMany = vi.spyOn(storage.documents, 'getMany');
		const tool = searchDocumentsTool(storage);

		await search(tool, 'bike');
		await search(tool, 'garden');
		await storage.documents.update(added[1].id, { title: 'Roses' }, Date.now() + 1);
		await search(tool, 'roses');

		expect(getMany.mock.calls.map(([ids]) => [...ids].sort())).toEqual([
			added.map((d) => d.id).sort(),
			[added[1].id]
		]);
	});

	it('answers concurrent searches alike from one pass over storage', async () => {
		const { storage } = await storageWith(bikeLock, garden);
		const getMany = vi.spyOn(storage.documents, 'getMany');
		const tool = searchDocumentsTool(storage);
		const [a, b] = await Promise.all([search(tool, 'bike'), search(tool, 'bike')]);
		expect(a).toEqual(b);
		expect(a.sources).toHaveLength(1);
		expect(getMany).toHaveBeenCalledTimes(1);
	});

	it('stops when the reply is stopped', async () => {
		const { storage } = await storageWith(bikeLock);
		const stop = new AbortController();
		stop.abort();
		await expect(search(searchDocumentsTool(storage), 'bike', stop.signal)).rejects.toThrow();
	});
});

import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '$lib/documents/limits';
import { NoteEditor } from '$lib/documents/note-editor.svelte';
import { openTestStorage } from '../db/open-test-storage';

const draftOf = async (storage: ReturnType<typeof openTestStorage>['storage'], key: string) =>
	(await storage.drafts.get(key))?.value;

describe('NoteEditor, a new note', () => {
	it('keeps every keystroke as a draft and drops it when emptied again', async () => {
		const { storage } = openTestStorage();
		const editor = new NoteEditor(storage, null);
		expect(editor.canSave).toBe(false);

		await editor.input({ title: 'Bike' });
		await editor.input({ text: 'Lock code 4711' });
		expect(await draftOf(storage, 'document:new')).toEqual({
			title: 'Bike',
			text: 'Lock code 4711'
		});
		expect(editor.canSave).toBe(true);

		await editor.input({ title: '', text: '' });
		expect(await draftOf(storage, 'document:new')).toBeUndefined();
	});

	it('restores the draft an earlier visit left, unless typing began first', async () => {
		const { storage } = openTestStorage();
		await storage.drafts.save('document:new', { title: 'Half', text: 'a thought' });

		const later = new NoteEditor(storage, null);
		await later.restore();
		expect([later.title, later.text, later.restored]).toEqual(['Half', 'a thought', true]);

		const eager = new NoteEditor(storage, null);
		const restoring = eager.restore();
		void eager.input({ text: 'typed at once' });
		await restoring;
		expect([eager.title, eager.text]).toEqual(['', 'typed at once']);
	});

	it('saves a note as a document, titled by its first line when untitled, and starts afresh', async () => {
		const { storage } = openTestStorage();
		const editor = new NoteEditor(storage, null, () => 42);
		await editor.input({ text: '# Garden\nWater the tomatoes.' });

		const saved = await editor.save();
		expect(saved).toMatchObject({
			title: 'Garden',
			text: '# Garden\nWater the tomatoes.',
			kind: 'note',
			updatedAt: 42
		});
		expect(await storage.documents.get(saved.id)).toEqual(saved);
		expect([editor.title, editor.text, editor.saving]).toEqual(['', '', false]);
		expect(await draftOf(storage, 'document:new')).toBeUndefined();
	});

	it('refuses a note over the size limit, keeping the note and its draft', async () => {
		const { storage } = openTestStorage();
		const editor = new NoteEditor(storage, null);
		const text = 'é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1);
		await editor.input({ text });

		await expect(editor.save()).rejects.toThrow(
			'This note is just over the 1 MB one document may hold.'
		);
		expect(await storage.documents.count()).toBe(0);
		expect(editor.text).toBe(text);
		expect(await draftOf(storage, 'document:new')).toEqual({ title: '', text });
	});
});

describe('NoteEditor, an existing document', () => {
	it('starts from the document, saves changes to it and drops the draft', async () => {
		const { storage } = openTestStorage();
		const doc = await storage.documents.add({ title: 'Trip', text: 'Rome', kind: 'markdown' }, 1);
		const editor = new NoteEditor(storage, doc, () => 2);
		expect([editor.title, editor.text, editor.canSave]).toEqual(['Trip', 'Rome', false]);

		await editor.input({ text: 'Rome in May' });
		expect(await draftOf(storage, `document:${doc.id}`)).toEqual({
			title: 'Trip',
			text: 'Rome in May'
		});
		const saved = await editor.save();

		expect(saved).toEqual({ ...doc, text: 'Rome in May', size: 11, updatedAt: 2 });
		expect(await draftOf(storage, `document:${doc.id}`)).toBeUndefined();
	});

	it('discards changes back to the document', async () => {
		const { storage } = openTestStorage();
		const doc = await storage.documents.add({ title: 'Trip', text: 'Rome', kind: 'note' });
		const editor = new NoteEditor(storage, doc);
		await editor.input({ title: 'Holiday' });

		await editor.discardChanges();
		expect([editor.title, editor.changed]).toEqual(['Trip', false]);
		expect(await draftOf(storage, `document:${doc.id}`)).toBeUndefined();
	});

	it('saves the edits as a new document when the document was deleted elsewhere meanwhile', async () => {
		const { storage } = openTestStorage();
		const doc = await storage.documents.add({ title: 'Trip', text: 'Rome', kind: 'markdown' });
		const editor = new NoteEditor(storage, doc);
		await editor.input({ text: 'Paris' });
		await storage.documents.remove(doc.id);

		const saved = await editor.save();
		expect(saved).toMatchObject({ title: 'Trip', text: 'Paris', kind: 'markdown' });
		expect(saved.id).not.toBe(doc.id);
		expect(await storage.documents.count()).toBe(1);
		expect(await draftOf(storage, `document:${doc.id}`)).toBeUndefined();
	});
});

import { describe, expect, it } from 'vitest';
import { DocumentLibrary } from '$lib/documents/document-library.svelte';
import { openTestStorage } from '../db/open-test-storage';

/** A clock that moves one millisecond per reading, so every change has its own time. */
function ticking(start = 1_000) {
	let now = start;
	return () => now++;
}

async function openLibrary() {
	const { storage } = openTestStorage();
	const library = new DocumentLibrary(storage, ticking());
	await library.load();
	return { storage, library };
}

const titles = (library: DocumentLibrary) => library.documents.map((d) => d.title);

describe('DocumentLibrary', () => {
	it('lists what is stored, newest first, and brings back an unsaved note', async () => {
		const { storage } = openTestStorage();
		await storage.documents.add({ title: 'Old', text: 'o', kind: 'note' }, 1);
		await storage.documents.add({ title: 'New', text: 'n', kind: 'text' }, 2);
		await storage.drafts.save('document:new', { title: 'Unsaved', text: 'half' });

		const library = new DocumentLibrary(storage);
		expect(library.loaded).toBe(false);
		await library.load();
		expect(library.loaded).toBe(true);
		expect(titles(library)).toEqual(['New', 'Old']);
		expect([library.newNote.title, library.newNote.text]).toEqual(['Unsaved', 'half']);
	});

	it('saves the new note into the list and says so', async () => {
		const { library } = await openLibrary();
		await library.newNote.input({ title: 'Bike', text: 'Lock code 4711' });
		await library.saveNewNote();

		expect(titles(library)).toEqual(['Bike']);
		expect(library.done).toBe('Saved “Bike”.');
		expect(library.problems).toEqual([]);
		expect(library.newNote.text).toBe('');
	});

	it('adds the files it can read and refuses the others by name, adding nothing of them', async () => {
		const { storage, library } = await openLibrary();
		await library.addFiles([
			new File(['# Trip\nRome'], 'Trip.md'),
			new File(['PK'], 'slides.pptx'),
			new File(['socks'], 'Packing.txt'),
			new File([new Uint8Array([0xff, 0xfe])], 'odd.txt')
		]);

		expect(titles(library)).toEqual(['Packing', 'Trip']);
		expect(library.done).toBe('Added “Trip” and “Packing”.');
		expect(library.problems).toEqual([
			'slides.pptx is not a .txt, .md or .pdf file, the kinds Hearth can read.',
			'odd.txt is not UTF-8 text.'
		]);
		expect(library.addingFiles).toBe(false);
		expect(await storage.documents.count()).toBe(2);
	});

	it('reports nothing added when every file is refused', async () => {
		const { storage, library } = await openLibrary();
		await library.addFiles([new File(['x'], 'photo.jpg')]);
		expect(library.done).toBeNull();
		expect(library.problems).toEqual([
			'photo.jpg is not a .txt, .md or .pdf file, the kinds Hearth can read.'
		]);
		expect(await storage.documents.count()).toBe(0);
	});

	it('opens a document to read, edits it and saves it back', async () => {
		const { library } = await openLibrary();
		await library.addFiles([new File(['Rome'], 'Trip.md')]);
		const id = library.documents[0].id;

		await library.open(id);
		expect(library.opened).toMatchObject({ id, title: 'Trip', text: 'Rome' });
		expect(library.editor).toBeNull();

		await library.edit();
		await library.editor!.input({ text: 'Rome in May' });
		await library.saveEdit();
		expect(library.editor).toBeNull();
		expect(library.opened).toMatchObject({ id, text: 'Rome in May', size: 11 });
		expect(library.done).toBe('Saved “Trip”.');
		expect(library.documents[0].size).toBe(11);
	});

	it('reopens a document with unsaved edits straight in the editor, edits restored', async () => {
		const { storage, library } = await openLibrary();
		const doc = await storage.documents.add({ title: 'Trip', text: 'Rome', kind: 'note' });
		await storage.drafts.save(`document:${doc.id}`, { title: 'Trip', text: 'Rome and Florence' });

		await library.open(doc.id);
		expect(library.editor?.text).toBe('Rome and Florence');
		expect(library.editor?.restored).toBe(true);

		await library.cancelEdit();
		expect(library.editor).toBeNull();
		expect(library.opened?.text).toBe('Rome');
		expect(await storage.drafts.get(`document:${doc.id}`)).toBeUndefined();
	});

	it('deletes a document with its unsaved edits and closes it', async () => {
		const { storage, library } = await openLibrary();
		const doc = await storage.documents.add({ title: 'Trip', text: 'Rome', kind: 'note' });
		await storage.documents.add({ title: 'Kept', text: 'k', kind: 'note' });
		await library.open(doc.id);
		await library.edit();
		await library.editor!.input({ text: 'Rome!' });
		await library.load();

		await library.remove(doc.id);
		expect(titles(library)).toEqual(['Kept']);
		expect([library.opened, library.editor]).toEqual([null, null]);
		expect(library.done).toBe('Deleted “Trip”.');
		expect(await storage.drafts.count()).toBe(0);
	});

	it('says a document is gone when another tab deleted it', async () => {
		const { storage, library } = await openLibrary();
		const doc = await storage.documents.add({ title: 'Trip', text: 'Rome', kind: 'note' });
		await library.load();
		await storage.documents.remove(doc.id);

		await library.open(doc.id);
		expect(library.opened).toBeNull();
		expect(library.problems).toEqual(['That document is no longer on this device.']);
		expect(library.documents).toEqual([]);
	});

	it('reports a refused note without losing it', async () => {
		const { library } = await openLibrary();
		await library.newNote.input({ text: 'x'.repeat(1_000_001) });
		await library.saveNewNote();
		expect(library.problems).toEqual(['This note is just over the 1 MB one document may hold.']);
		expect(library.newNote.text).toHaveLength(1_000_001);
		expect(library.documents).toEqual([]);
	});
});

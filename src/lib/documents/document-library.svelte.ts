// The Documents page's state: the list of the user's documents, the new-note editor, the
// document open for reading or editing, and what the last action did or refused. Created by
// the page (never a module singleton, so each page and test has its own); storage is the
// repositories', and every rule lives in the small modules beside this one.
import type { DocumentSummary, StoredDocument } from '$lib/db/records/document';
import { importFile } from './file-import';
import { NoteEditor, type NoteStorage } from './note-editor.svelte';
import { noteDraftKey, parseNoteDraft } from './note-fields';

/** "“A”", "“A” and “B”", "“A”, “B” and “C”". */
function titles(names: readonly string[]): string {
	const quoted = names.map((name) => `“${name}”`);
	return quoted.length < 2
		? (quoted[0] ?? '')
		: `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

function sentenceOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export class DocumentLibrary {
	/** Most recently changed first. */
	documents = $state.raw<DocumentSummary[]>([]);
	loaded = $state(false);
	readonly newNote: NoteEditor;
	/** The document open for reading; `editor` is set while it is being edited. */
	opened = $state.raw<StoredDocument | null>(null);
	editor = $state<NoteEditor | null>(null);
	/** What the last action did, for a status line. */
	done = $state<string | null>(null);
	/** Why the last action refused something, one sentence each, naming the file or note. */
	problems = $state.raw<string[]>([]);
	addingFiles = $state(false);

	constructor(
		private readonly storage: NoteStorage,
		private readonly now: () => number = Date.now
	) {
		this.newNote = new NoteEditor(storage, null, now);
	}

	async load(): Promise<void> {
		await Promise.all([this.#reloadList(), this.newNote.restore()]);
		this.loaded = true;
	}

	saveNewNote(): Promise<void> {
		return this.#report(async () => {
			const saved = await this.newNote.save();
			await this.#reloadList();
			return `Saved ${titles([saved.title])}.`;
		});
	}

	/** Adds each file Hearth can read; refuses the others by name, adding nothing of them. */
	async addFiles(files: readonly File[]): Promise<void> {
		this.addingFiles = true;
		const added: string[] = [];
		const problems: string[] = [];
		try {
			for (const file of files) {
				const read = await importFile(file);
				if (!read.ok) {
					problems.push(read.problem);
					continue;
				}
				try {
					added.push((await this.storage.documents.add(read.document, this.now())).title);
				} catch (error) {
					problems.push(`${file.name} could not be saved: ${sentenceOf(error)}`);
				}
			}
			if (added.length > 0) await this.#reloadList();
		} finally {
			this.addingFiles = false;
			this.done = added.length > 0 ? `Added ${titles(added)}.` : null;
			this.problems = problems;
		}
	}

	/** Opens a document to read; one with unsaved edits opens in the editor with them. */
	async open(id: string): Promise<void> {
		this.#clearReport();
		const document = await this.storage.documents.get(id);
		if (!document) {
			this.problems = ['That document is no longer on this device.'];
			await this.#reloadList();
			return;
		}
		this.opened = document;
		this.editor = null;
		const draft = await this.storage.drafts.get(noteDraftKey(id));
		if (parseNoteDraft(draft?.value)) await this.edit();
	}

	close(): void {
		this.opened = null;
		this.editor = null;
		this.#clearReport();
	}

	async edit(): Promise<void> {
		if (!this.opened) return;
		const editor = new NoteEditor(this.storage, this.opened, this.now);
		this.editor = editor;
		await editor.restore();
	}

	saveEdit(): Promise<void> {
		return this.#report(async () => {
			if (!this.editor) throw new Error('Nothing is being edited.');
			const saved = await this.editor.save();
			this.opened = saved;
			this.editor = null;
			await this.#reloadList();
			return `Saved ${titles([saved.title])}.`;
		});
	}

	async cancelEdit(): Promise<void> {
		await this.editor?.discardChanges();
		this.editor = null;
	}

	/** Deletes a document with any unsaved edits of it. */
	remove(id: string): Promise<void> {
		return this.#report(async () => {
			const title = this.documents.find((d) => d.id === id)?.title;
			// The draft goes first: a document left without its draft is whole, a draft left
			// without its document would be counted in Settings for ever.
			await this.storage.drafts.discard(noteDraftKey(id));
			await this.storage.documents.remove(id);
			if (this.opened?.id === id) {
				this.opened = null;
				this.editor = null;
			}
			await this.#reloadList();
			return title === undefined ? 'Deleted the document.' : `Deleted ${titles([title])}.`;
		});
	}

	async #reloadList(): Promise<void> {
		this.documents = await this.storage.documents.list();
	}

	async #report(action: () => Promise<string>): Promise<void> {
		try {
			this.done = await action();
			this.problems = [];
		} catch (error) {
			this.done = null;
			this.problems = [sentenceOf(error)];
		}
	}

	#clearReport(): void {
		this.done = null;
		this.problems = [];
	}
}

// One note being written, or one document being edited: its fields, saved as a draft on every
// change so that nothing typed is lost to a closed tab, and saved as a document on request.
import type { HearthStorage } from '$lib/db/open';
import type { StoredDocument } from '$lib/db/records/document';
import { MAX_DOCUMENT_BYTES, overTheLimit } from './limits';
import { noteDraftKey, noteTitle, parseNoteDraft, type NoteFields } from './note-fields';

export type NoteStorage = Pick<HearthStorage, 'documents' | 'drafts'>;

const utf8 = new TextEncoder();

export class NoteEditor {
	title = $state('');
	text = $state('');
	/** The fields came back from a draft an earlier visit left. */
	restored = $state(false);
	/** While a save is under way the fields are read-only, so no keystroke falls between. */
	saving = $state(false);
	readonly #original: NoteFields;
	#typed = false;

	constructor(
		private readonly storage: NoteStorage,
		/** The document edited; null for a new note. */
		readonly document: StoredDocument | null,
		private readonly now: () => number = Date.now
	) {
		this.#original = { title: document?.title ?? '', text: document?.text ?? '' };
		this.title = this.#original.title;
		this.text = this.#original.text;
	}

	/** The fields differ from the saved document's (from empty, for a new note). */
	get changed(): boolean {
		return this.title !== this.#original.title || this.text !== this.#original.text;
	}

	get canSave(): boolean {
		return this.changed && this.text.trim() !== '' && !this.saving;
	}

	get #draftKey(): string {
		return noteDraftKey(this.document?.id ?? null);
	}

	/** Puts back the draft an earlier visit left, unless the user started typing meanwhile. */
	async restore(): Promise<void> {
		const draft = parseNoteDraft((await this.storage.drafts.get(this.#draftKey))?.value);
		if (!draft || this.#typed) return;
		this.title = draft.title;
		this.text = draft.text;
		this.restored = this.changed;
	}

	/** Called on every keystroke. Back at the saved fields, there is nothing to keep. */
	input(fields: Partial<NoteFields>): Promise<void> {
		this.#typed = true;
		this.title = fields.title ?? this.title;
		this.text = fields.text ?? this.text;
		if (!this.changed) return this.storage.drafts.discard(this.#draftKey);
		return this.storage.drafts.save(this.#draftKey, { title: this.title, text: this.text });
	}

	/**
	 * Saves the note and drops its draft; a new note's editor is empty again after. Throws a
	 * sentence when the note is too long to keep, changing nothing.
	 */
	async save(): Promise<StoredDocument> {
		const fields = { title: noteTitle(this), text: this.text };
		const size = utf8.encode(fields.text).length;
		if (size > MAX_DOCUMENT_BYTES) {
			throw new Error(`This note is ${overTheLimit(size)}.`);
		}
		this.saving = true;
		try {
			const saved = await this.#write(fields);
			await this.storage.drafts.discard(this.#draftKey);
			if (!this.document) {
				this.title = '';
				this.text = '';
			}
			this.restored = false;
			return saved;
		} finally {
			this.saving = false;
		}
	}

	/** Back to the saved fields (empty for a new note), dropping the draft. */
	async discardChanges(): Promise<void> {
		this.title = this.#original.title;
		this.text = this.#original.text;
		this.restored = false;
		await this.storage.drafts.discard(this.#draftKey);
	}

	async #write(fields: NoteFields): Promise<StoredDocument> {
		const { id, kind } = this.document ?? { id: null, kind: 'note' as const };
		// Deleted meanwhile (in another tab): the user still meant to keep what they wrote.
		if (id === null || !(await this.storage.documents.get(id))) {
			return this.storage.documents.add({ ...fields, kind }, this.now());
		}
		await this.storage.documents.update(id, fields, this.now());
		return (await this.storage.documents.get(id))!;
	}
}

import type { HearthDatabase } from './database';
import type { PersistenceRequest } from './persistence';
import type { DocumentSummary, StoredDocument } from './records/document';
import { toStorable } from './snapshot.svelte';

export type NewDocument = Pick<StoredDocument, 'title' | 'text' | 'kind'>;
export type DocumentChanges = Partial<Pick<StoredDocument, 'title' | 'text'>>;

const utf8 = new TextEncoder();

function sizeOf(text: string): number {
	return utf8.encode(text).length;
}

/** The user's notes and added files; the search tool indexes them, the Documents page edits them. */
export class DocumentsRepository {
	constructor(
		private readonly db: HearthDatabase,
		private readonly persistence: PersistenceRequest
	) {}

	async add(fields: NewDocument, now: number = Date.now()): Promise<StoredDocument> {
		const { title, text, kind } = toStorable(fields);
		const document: StoredDocument = {
			id: crypto.randomUUID(),
			title,
			text,
			kind,
			size: sizeOf(text),
			createdAt: now,
			updatedAt: now
		};
		await this.db.documents.add(document);
		this.persistence.ensure();
		return document;
	}

	get(id: string): Promise<StoredDocument | undefined> {
		return this.db.documents.get(id);
	}

	/** Those of `ids` that still exist, in no particular order. */
	async getMany(ids: readonly string[]): Promise<StoredDocument[]> {
		const found = await this.db.documents.bulkGet([...ids]);
		return found.filter((document): document is StoredDocument => document !== undefined);
	}

	/** Most recently changed first, without their texts: the document list. */
	async list(): Promise<DocumentSummary[]> {
		const documents = await this.db.documents.orderBy('updatedAt').reverse().toArray();
		return documents.map(({ text: _text, ...summary }) => summary);
	}

	/**
	 * Each document's `updatedAt` by id, read from the index alone (no texts): enough for the
	 * search index to tell which documents changed since it last looked.
	 */
	versions(): Promise<Map<string, number>> {
		return this.db.transaction('r', this.db.documents, async () => {
			const byUpdate = this.db.documents.orderBy('updatedAt');
			const [updatedAts, ids] = await Promise.all([byUpdate.keys(), byUpdate.primaryKeys()]);
			return new Map(ids.map((id, n) => [id, updatedAts[n] as number]));
		});
	}

	count(): Promise<number> {
		return this.db.documents.count();
	}

	async update(id: string, changes: DocumentChanges, now: number = Date.now()): Promise<void> {
		const plain = toStorable(changes);
		const updated = await this.db.documents.update(id, {
			...plain,
			...(plain.text === undefined ? {} : { size: sizeOf(plain.text) }),
			updatedAt: now
		});
		if (updated === 0) throw new Error(`document ${id} does not exist`);
		this.persistence.ensure();
	}

	remove(id: string): Promise<void> {
		return this.db.documents.delete(id);
	}
}

// The `search_documents` tool over the documents stored on this device. The passage index is
// built from storage on the first search and kept in memory; each later search first asks the
// repository for every document's `updatedAt` (index keys only, no texts) and re-indexes just
// the documents added, changed or removed since, whichever page or tab changed them.
//
// MiniSearch comes with this module: import it dynamically, when a chat first offers tools, so
// it stays out of the first visit's bundle.
import type { HearthStorage } from '$lib/db/open';
import { searchDocumentsDeclaration } from '$lib/shared/tools/declarations';
import { DocumentIndex, passagesOutput } from '$lib/shared/tools/document-search';
import { defineTool, type Tool } from '$lib/shared/tools/tool';

type DocumentSource = HearthStorage['documents'];

/** The index and the version of each document it holds, kept level with storage. */
class StoredDocumentsIndex {
	readonly index = new DocumentIndex();
	readonly #indexed = new Map<string, number>();
	#catchingUp: Promise<void> = Promise.resolve();

	constructor(private readonly documents: DocumentSource) {}

	/** Brings the index level with storage; concurrent searches take turns, so none indexes a document twice. */
	refresh(): Promise<void> {
		this.#catchingUp = this.#catchingUp.catch(() => {}).then(() => this.#catchUp());
		return this.#catchingUp;
	}

	async #catchUp(): Promise<void> {
		const stored = await this.documents.versions();
		for (const id of this.#indexed.keys()) {
			if (!stored.has(id)) {
				this.index.remove(id);
				this.#indexed.delete(id);
			}
		}
		const changed = [...stored.keys()].filter((id) => this.#indexed.get(id) !== stored.get(id));
		if (changed.length === 0) return;
		// Dropped first: one deleted since `versions()` was read is simply not fetched again.
		for (const id of changed) {
			this.index.remove(id);
			this.#indexed.delete(id);
		}
		for (const document of await this.documents.getMany(changed)) {
			this.index.add(document);
			this.#indexed.set(document.id, document.updatedAt);
		}
	}
}

/** `search_documents` answered from `storage`'s documents; one index per tool made. */
export function searchDocumentsTool(storage: Pick<HearthStorage, 'documents'>): Tool {
	const stored = new StoredDocumentsIndex(storage.documents);
	return defineTool({
		...searchDocumentsDeclaration,
		async run({ query }, { signal }) {
			await stored.refresh();
			signal.throwIfAborted();
			return passagesOutput(query, stored.index.find(query));
		}
	});
}

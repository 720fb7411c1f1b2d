/** Where a document's text came from: typed in Hearth, or read from a file of that type. */
export type DocumentKind = 'note' | 'text' | 'markdown' | 'pdf';

/**
 * One of the user's own documents (a note or an added file), kept on the device for the
 * `search_documents` tool. Only its text is kept, never the original file.
 */
export interface StoredDocument {
	id: string;
	title: string;
	/** Plain text; Markdown for notes and `.md` files. */
	text: string;
	kind: DocumentKind;
	/** The text's length in UTF-8 bytes: what the document takes on the device. */
	size: number;
	createdAt: number;
	/** Last change to its title or text; the list is ordered by it, the search index follows it. */
	updatedAt: number;
}

/** What the document list shows: everything but the text, which may be large. */
export type DocumentSummary = Omit<StoredDocument, 'text'>;

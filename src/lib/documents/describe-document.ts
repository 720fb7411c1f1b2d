import type { DocumentKind, DocumentSummary } from '$lib/db/records/document';
import { formatBytes } from '$lib/format/bytes';

const kindLabels: Record<DocumentKind, string> = {
	note: 'Note',
	text: 'Text file',
	markdown: 'Markdown file',
	pdf: 'PDF'
};

/** The document's line in the list: "Markdown file · 2.1 KB · 5 Dec 2026". */
export function describeDocument(
	{ kind, size, updatedAt }: Pick<DocumentSummary, 'kind' | 'size' | 'updatedAt'>,
	locale?: string
): string {
	const date = new Date(updatedAt).toLocaleDateString(locale, {
		day: 'numeric',
		month: 'short',
		year: 'numeric'
	});
	return `${kindLabels[kind]} · ${formatBytes(size)} · ${date}`;
}

/** Notes and Markdown files are shown rendered (sanitised); text files exactly as written. */
export function isMarkdown(kind: DocumentKind): boolean {
	return kind === 'note' || kind === 'markdown';
}

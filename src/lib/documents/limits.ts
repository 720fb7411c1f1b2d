import { formatBytes } from '$lib/format/bytes';

/**
 * The most text one document may hold. A long book is about this much; every document's
 * passages sit in memory while a chat searches them, and a model reads three at a time, so a
 * bigger file would cost the whole device memory for little gain.
 */
export const MAX_DOCUMENT_BYTES = 1_000_000;

/**
 * The largest PDF file read for its text: fonts and pictures make a PDF many times larger than
 * the text it holds, and pdf.js parses the whole file in memory.
 */
export const MAX_PDF_FILE_BYTES = 50_000_000;

/** "3.2 MB, over the 1 MB one document may hold"; "just over …" where both read "1 MB". */
export function overTheLimit(
	bytes: number,
	limitBytes = MAX_DOCUMENT_BYTES,
	what = 'one document'
): string {
	const size = formatBytes(bytes);
	const limit = formatBytes(limitBytes);
	return `${size === limit ? 'just over' : `${size}, over`} the ${limit} ${what} may hold`;
}

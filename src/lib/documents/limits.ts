import { formatBytes } from '$lib/format/bytes';

/**
 * The most text one document may hold. A long book is about this much; every document's
 * passages sit in memory while a chat searches them, and a model reads three at a time, so a
 * bigger file would cost the whole device memory for little gain.
 */
export const MAX_DOCUMENT_BYTES = 1_000_000;

/** "3.2 MB, over the 1 MB one document may hold"; "just over …" where both read "1 MB". */
export function overTheLimit(bytes: number): string {
	const size = formatBytes(bytes);
	const limit = formatBytes(MAX_DOCUMENT_BYTES);
	return `${size === limit ? 'just over' : `${size}, over`} the ${limit} one document may hold`;
}

// Turns a file the user picked into a document's text, or says in one sentence, naming the
// file, why it cannot be added. Only text is kept: the file's bytes are decoded as UTF-8 and
// never shown as HTML.
import type { NewDocument } from '$lib/db/documents';
import { MAX_DOCUMENT_BYTES, overTheLimit } from './limits';

const kindByExtension: Record<string, NewDocument['kind']> = {
	txt: 'text',
	text: 'text',
	md: 'markdown',
	markdown: 'markdown'
};

/** For the file picker: the browser offers these first, though the user may pick anything. */
export const acceptedFiles = '.txt,.text,.md,.markdown,text/plain,text/markdown';

export type FileImport = { ok: true; document: NewDocument } | { ok: false; problem: string };

export async function importFile(file: File): Promise<FileImport> {
	const refuse = (problem: string): FileImport => ({
		ok: false,
		problem: `${file.name} ${problem}.`
	});
	const extension = /\.([^./]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
	const kind = kindByExtension[extension];
	if (!kind) {
		return refuse(
			extension === 'pdf'
				? 'is a PDF: Hearth reads only .txt and .md files so far'
				: 'is not a .txt or .md file, the kinds Hearth can read'
		);
	}
	// Checked before reading, so a huge file is never loaded into memory.
	if (file.size > MAX_DOCUMENT_BYTES) {
		return refuse(`is ${overTheLimit(file.size)}`);
	}
	let bytes: ArrayBuffer;
	try {
		bytes = await file.arrayBuffer();
	} catch (error) {
		// Moved or deleted since it was picked, or a folder.
		return refuse(`could not be read (${error instanceof Error ? error.message : error})`);
	}
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return refuse('is not UTF-8 text');
	}
	// Valid UTF-8 can still be binary: a NUL never occurs in text.
	if (text.includes('\0')) return refuse('is not text');
	if (!text.trim()) return refuse('is empty');
	return {
		ok: true,
		document: { title: titleOf(file.name), text: text.replace(/\r\n?/g, '\n'), kind }
	};
}

/** `Trip notes.md` → `Trip notes`; a name that is all extension stays whole. */
function titleOf(fileName: string): string {
	return fileName.replace(/\.[^.]+$/, '').trim() || fileName;
}

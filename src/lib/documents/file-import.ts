// Turns a file the user picked into a document's text, or says in one sentence, naming the
// file, why it cannot be added. Only text is kept: a text file's bytes are decoded as UTF-8, a
// PDF's text is read by pdf.js (pdf-text.ts), and neither is ever shown as HTML.
import type { NewDocument } from '$lib/db/documents';
import { MAX_DOCUMENT_BYTES, MAX_PDF_FILE_BYTES, overTheLimit } from './limits';
import { PdfProblem, pdfText } from './pdf-text';

const kindByExtension: Record<string, NewDocument['kind']> = {
	txt: 'text',
	text: 'text',
	md: 'markdown',
	markdown: 'markdown',
	pdf: 'pdf'
};

/** For the file picker: the browser offers these first, though the user may pick anything. */
export const acceptedFiles =
	'.txt,.text,.md,.markdown,.pdf,text/plain,text/markdown,application/pdf';

export type FileImport = { ok: true; document: NewDocument } | { ok: false; problem: string };

export async function importFile(file: File): Promise<FileImport> {
	const refuse = (problem: string): FileImport => ({
		ok: false,
		problem: `${file.name} ${problem}.`
	});
	const extension = /\.([^./]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
	const kind = kindByExtension[extension];
	if (!kind) return refuse('is not a .txt, .md or .pdf file, the kinds Hearth can read');
	// Checked before reading, so a huge file is never loaded into memory.
	if (kind === 'pdf' && file.size > MAX_PDF_FILE_BYTES) {
		return refuse(`is ${overTheLimit(file.size, MAX_PDF_FILE_BYTES, 'a PDF file')}`);
	}
	if (kind !== 'pdf' && file.size > MAX_DOCUMENT_BYTES) {
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
	let title = titleOf(file.name);
	if (kind === 'pdf') {
		try {
			const read = await pdfText(bytes);
			text = read.text;
			title = read.title ?? title;
		} catch (error) {
			// A page pdf.js cannot parse fails the file, with pdf.js's own words for why.
			if (error instanceof PdfProblem) return refuse(error.message);
			return refuse(`could not be read as a PDF (${(error as Error).message})`);
		}
		if (!text.trim()) return refuse('has no text to read (a scanned PDF holds pictures of pages)');
		const size = new TextEncoder().encode(text).length;
		if (size > MAX_DOCUMENT_BYTES) return refuse(`holds text of ${overTheLimit(size)}`);
	} else {
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			return refuse('is not UTF-8 text');
		}
		// Valid UTF-8 can still be binary: a NUL never occurs in text.
		if (text.includes('\0')) return refuse('is not text');
		if (!text.trim()) return refuse('is empty');
	}
	return {
		ok: true,
		document: { title, text: text.replace(/\r\n?/g, '\n'), kind }
	};
}

/** `Trip notes.md` → `Trip notes`; a name that is all extension stays whole. */
function titleOf(fileName: string): string {
	return fileName.replace(/\.[^.]+$/, '').trim() || fileName;
}

import { describe, expect, it } from 'vitest';
import { importFile } from '$lib/documents/file-import';
import { MAX_DOCUMENT_BYTES, MAX_PDF_FILE_BYTES } from '$lib/documents/limits';

const file = (name: string, content: BlobPart = 'some text') => new File([content], name);

describe('importFile', () => {
	it('reads a .txt file as a text document titled by its name', async () => {
		expect(await importFile(file('Packing list.txt', 'socks\r\ntoothbrush\n'))).toEqual({
			ok: true,
			document: { title: 'Packing list', text: 'socks\ntoothbrush\n', kind: 'text' }
		});
	});

	it('reads .md and .markdown files, whatever the case of the extension, as Markdown', async () => {
		for (const name of ['Trip.md', 'Trip.MARKDOWN']) {
			expect(await importFile(file(name, '# Trip\n\nRome in May.'))).toEqual({
				ok: true,
				document: { title: 'Trip', text: '# Trip\n\nRome in May.', kind: 'markdown' }
			});
		}
	});

	it('drops a UTF-8 byte order mark and keeps the accents', async () => {
		const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Crème brûlée')]);
		expect(await importFile(file('dessert.txt', bytes))).toMatchObject({
			ok: true,
			document: { text: 'Crème brûlée' }
		});
	});

	it.each([
		['photo.jpg', 'photo.jpg is not a .txt, .md or .pdf file, the kinds Hearth can read.'],
		['README', 'README is not a .txt, .md or .pdf file, the kinds Hearth can read.']
	])('refuses %s, naming it and saying why', async (name, problem) => {
		expect(await importFile(file(name))).toEqual({ ok: false, problem });
	});

	it('refuses a PDF over its own, larger limit without reading it', async () => {
		const huge = file('atlas.pdf');
		Object.defineProperty(huge, 'size', { value: MAX_PDF_FILE_BYTES + 1 });
		huge.arrayBuffer = () => Promise.reject(new Error('read a file it should have refused'));
		expect(await importFile(huge)).toEqual({
			ok: false,
			problem: 'atlas.pdf is just over the 50 MB a PDF file may hold.'
		});
	});

	it('refuses a file over the size limit without reading it', async () => {
		const big = file('book.txt', 'x'.repeat(MAX_DOCUMENT_BYTES + 1));
		big.arrayBuffer = () => Promise.reject(new Error('read a file it should have refused'));
		expect(await importFile(big)).toEqual({
			ok: false,
			problem: 'book.txt is just over the 1 MB one document may hold.'
		});
	});

	it('says how big a file well over the limit is', async () => {
		expect(await importFile(file('scan.md', 'x'.repeat(3_200_000)))).toEqual({
			ok: false,
			problem: 'scan.md is 3.2 MB, over the 1 MB one document may hold.'
		});
	});

	it('says when a file cannot be read', async () => {
		const vanished = file('gone.txt');
		vanished.arrayBuffer = () => Promise.reject(new Error('the file was moved'));
		expect(await importFile(vanished)).toEqual({
			ok: false,
			problem: 'gone.txt could not be read (the file was moved).'
		});
	});

	it('takes a file of exactly the limit', async () => {
		expect((await importFile(file('edge.txt', 'x'.repeat(MAX_DOCUMENT_BYTES)))).ok).toBe(true);
	});

	it('refuses binary content, bytes that are not UTF-8, and empty files', async () => {
		expect(await importFile(file('data.txt', new Uint8Array([0xff, 0xfe, 0x00, 0x41])))).toEqual({
			ok: false,
			problem: 'data.txt is not UTF-8 text.'
		});
		expect(await importFile(file('nul.md', 'a\0b'))).toEqual({
			ok: false,
			problem: 'nul.md is not text.'
		});
		expect(await importFile(file('blank.txt', ' \n\t'))).toEqual({
			ok: false,
			problem: 'blank.txt is empty.'
		});
	});
});

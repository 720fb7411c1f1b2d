// The text of a PDF, through Mozilla's pdf.js: each page's text in reading order as pdf.js gives
// it, lines kept, pages apart by a blank line. pdf.js and its worker (together about 1.6 MB) load
// only when someone adds a PDF, so neither the first visit nor the documents page pays for them.
// Eval stays off: the CSP forbids it, and text needs no compiled font code.

export class PdfProblem extends Error {}

/**
 * Every page's text and the title the PDF gives itself (its Info dictionary's, when it has one),
 * or a PdfProblem saying in a few words why the file has none to give.
 */
export async function pdfText(bytes: ArrayBuffer): Promise<{ text: string; title: string | null }> {
	// Both files ship as they are, under their own names, so the service worker can leave them
	// out of what it installs (precache-plan.ts) and cache them only once someone uses them.
	let pdfjs: typeof import('pdfjs-dist');
	try {
		const [library, worker] = await Promise.all([
			import('pdfjs-dist/build/pdf.min.mjs?url'),
			import('pdfjs-dist/build/pdf.worker.min.mjs?url')
		]);
		pdfjs = await import(/* @vite-ignore */ library.default);
		pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
	} catch {
		// Offline before the reader was ever used: it is cached on first use, not installed.
		throw new PdfProblem('needs the PDF reader, which loads once the first time you are online');
	}
	const task = pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false });
	let document: Awaited<typeof task.promise>;
	try {
		document = await task.promise;
	} catch (error) {
		await task.destroy();
		const name = (error as Error).name;
		if (name === 'PasswordException') throw new PdfProblem('is protected by a password');
		throw new PdfProblem(`is not a PDF Hearth can read (${(error as Error).message})`);
	}
	try {
		const pages: string[] = [];
		for (let number = 1; number <= document.numPages; number++) {
			const page = await document.getPage(number);
			const content = await page.getTextContent();
			let text = '';
			for (const item of content.items) {
				if (!('str' in item)) continue;
				text += item.str + (item.hasEOL ? '\n' : '');
			}
			pages.push(text.replace(/[ \t]+\n/g, '\n').trim());
		}
		const { info } = await document.getMetadata();
		const title = (info as { Title?: unknown }).Title;
		return {
			text: pages.filter(Boolean).join('\n\n'),
			title: typeof title === 'string' && title.trim() ? title.trim() : null
		};
	} finally {
		await document.destroy();
	}
}

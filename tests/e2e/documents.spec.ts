import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { waitForServiceWorkerControl } from './support/service-worker';

/** The page's own status line (the connection badge in the header is a status too). */
const report = (page: Page) => page.getByTestId('documents').getByRole('status');

/** The Documents page, served by the service worker with the network off. */
async function openDocumentsOffline(page: Page, context: BrowserContext) {
	await page.goto('/documents');
	await waitForServiceWorkerControl(page);
	await context.setOffline(true);
	await page.reload();
}

const trip = {
	name: 'Trip.md',
	mimeType: 'text/markdown',
	buffer: Buffer.from('# Trip\n\nRome in **May**.')
};

test('a note and a Markdown file are listed, still there after a reload, and one is deleted', async ({
	page
}) => {
	await page.goto('/documents');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Documents', exact: true })
	).toBeVisible();
	const note = page.getByRole('form', { name: 'New note' });
	await note.getByRole('textbox', { name: 'Title' }).fill('Bike');
	await note.getByRole('textbox', { name: 'Text' }).fill('The lock code is 4711.');
	await note.getByRole('button', { name: 'Save note' }).click();
	await expect(report(page)).toHaveText('Saved “Bike”.');

	await page.getByLabel('Add .txt, .md or .pdf files').setInputFiles(trip);
	await expect(report(page)).toHaveText('Added “Trip”.');

	const items = page.getByRole('list', { name: 'Your documents' }).getByRole('listitem');
	await expect(items).toHaveText([/^Trip\s+Markdown file · 24 B · /, /^Bike\s+Note · 22 B · /]);
	await page.reload();
	await expect(items).toHaveText([/^Trip/, /^Bike/]);

	await items.getByRole('button', { name: 'Trip', exact: true }).click();
	await expect(page.getByTestId('document-text').locator('strong')).toHaveText('May');
	await page.getByRole('button', { name: 'Back to documents' }).click();

	await items.getByRole('button', { name: 'Delete Bike' }).click();
	await page
		.getByRole('group', { name: 'Delete “Bike”?' })
		.getByRole('button', { name: 'Delete', exact: true })
		.click();
	await expect(report(page)).toHaveText('Deleted “Bike”.');
	await page.reload();
	await expect(items).toHaveText([/^Trip/]);
});

/** A PDF from tests/fixtures/documents (see its README for the producer of each). */
const pdf = (name: string) => ({
	name,
	mimeType: 'application/pdf',
	buffer: readFileSync(`tests/fixtures/documents/${name}`)
});

test('a PDF is added with its text and its own title; a scanned, a locked and a broken one are refused by name', async ({
	page
}) => {
	await page.goto('/documents');
	const files = page.getByLabel('Add .txt, .md or .pdf files');
	await files.setInputFiles(pdf('garden-notes.pdf'));
	await expect(report(page)).toHaveText('Added “Garden notes”.');
	const items = page.getByRole('list', { name: 'Your documents' }).getByRole('listitem');
	await expect(items).toHaveText([/^Garden notes\s+PDF · /]);

	await items.getByRole('button', { name: 'Garden notes', exact: true }).click();
	const text = page.getByTestId('document-text');
	// Both pages, in order, with their accents.
	await expect(text).toContainText('The tomatoes went in on the 3rd of May');
	await expect(text).toContainText(
		'The shed code is 4417, and the spare key hangs behind the blue door.'
	);
	await expect(text).toContainText('Crème fraîche goes in the top fridge');
	await page.getByRole('button', { name: 'Back to documents' }).click();

	await files.setInputFiles([
		pdf('scanned-page.pdf'),
		pdf('locked.pdf'),
		{ name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nnot a PDF') }
	]);
	const problems = page.getByTestId('documents').getByRole('alert').getByRole('listitem');
	await expect(problems).toHaveText([
		'scanned-page.pdf has no text to read (a scanned PDF holds pictures of pages).',
		'locked.pdf is protected by a password.',
		/^broken\.pdf is not a PDF Hearth can read \(.+\)\.$/
	]);
	await expect(items).toHaveText([/^Garden notes/]);
});

test("a reply's citation link (/documents#<id>) opens the document it quoted", async ({ page }) => {
	await page.goto('/documents');
	await page.getByLabel('Add .txt, .md or .pdf files').setInputFiles(trip);
	await expect(report(page)).toHaveText('Added “Trip”.');
	const id = await page.evaluate(
		() =>
			new Promise<string>((resolve, reject) => {
				const open = indexedDB.open('hearth');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const request = open.result.transaction('documents').objectStore('documents').getAll();
					request.onsuccess = () => resolve((request.result as { id: string }[])[0].id);
				};
			})
	);
	// From the chat, as the link is followed there.
	await page.goto('/');
	await page.goto(`/documents#${id}`);
	await expect(page.getByTestId('document-text').locator('strong')).toHaveText('May');
});

test('with no network at all, a half-written note survives a reload and is saved', async ({
	page,
	context
}) => {
	await openDocumentsOffline(page, context);

	const text = page.getByRole('form', { name: 'New note' }).getByRole('textbox', { name: 'Text' });
	await text.fill('## Garden\nWater the tomatoes.');
	await page.reload();
	await expect(text).toHaveValue('## Garden\nWater the tomatoes.');
	await expect(page.getByText('Your unsaved changes from earlier are back.')).toBeVisible();

	await page.getByRole('button', { name: 'Save note' }).click();
	await expect(report(page)).toHaveText('Saved “Garden”.');
	await expect(page.getByRole('list', { name: 'Your documents' })).toContainText('Garden');
});

test('offline, a PDF waits for the reader it has not loaded yet; once read online, PDFs work offline', async ({
	page,
	context
}) => {
	await openDocumentsOffline(page, context);
	const files = page.getByLabel('Add .txt, .md or .pdf files');
	await files.setInputFiles(pdf('garden-notes.pdf'));
	await expect(page.getByTestId('documents').getByRole('alert')).toHaveText(
		'garden-notes.pdf needs the PDF reader, which loads once the first time you are online.'
	);

	await context.setOffline(false);
	await files.setInputFiles(pdf('garden-notes.pdf'));
	await expect(report(page)).toHaveText('Added “Garden notes”.');
	// The service worker kept the reader it fetched: the next PDF is read with no network.
	await context.setOffline(true);
	await page.reload();
	await files.setInputFiles({ ...pdf('garden-notes.pdf'), name: 'copy.pdf' });
	await expect(report(page)).toHaveText('Added “Garden notes”.');
	await expect(
		page.getByRole('list', { name: 'Your documents' }).getByRole('listitem')
	).toHaveCount(2);
});

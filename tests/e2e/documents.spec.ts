import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { waitForServiceWorkerControl } from './support/service-worker';

/** The page's own status line (the connection badge in the header is a status too). */
const report = (page: Page) => page.getByTestId('documents').getByRole('status');

const trip = {
	name: 'Trip.md',
	mimeType: 'text/markdown',
	buffer: Buffer.from('# Trip\n\nRome in **May**.')
};

test('a note and a Markdown file are listed, still there after a reload, and one is deleted', async ({
	page
}) => {
	await page.goto('/documents');
	await expect(page.getByRole('heading', { level: 1, name: 'My documents' })).toBeVisible();
	const note = page.getByRole('form', { name: 'New note' });
	await note.getByRole('textbox', { name: 'Title' }).fill('Bike');
	await note.getByRole('textbox', { name: 'Text' }).fill('The lock code is 4711.');
	await note.getByRole('button', { name: 'Save note' }).click();
	await expect(report(page)).toHaveText('Saved “Bike”.');

	await page.getByLabel('Add .txt or .md files').setInputFiles(trip);
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

test("a reply's citation link (/documents#<id>) opens the document it quoted", async ({ page }) => {
	await page.goto('/documents');
	await page.getByLabel('Add .txt or .md files').setInputFiles(trip);
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
	await page.goto('/documents');
	await waitForServiceWorkerControl(page);
	await context.setOffline(true);
	await page.reload();

	const text = page.getByRole('form', { name: 'New note' }).getByRole('textbox', { name: 'Text' });
	await text.fill('## Garden\nWater the tomatoes.');
	await page.reload();
	await expect(text).toHaveValue('## Garden\nWater the tomatoes.');
	await expect(page.getByText('Your unsaved changes from earlier are back.')).toBeVisible();

	await page.getByRole('button', { name: 'Save note' }).click();
	await expect(report(page)).toHaveText('Saved “Garden”.');
	await expect(page.getByRole('list', { name: 'Your documents' })).toContainText('Garden');
});

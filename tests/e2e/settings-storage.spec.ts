import { expect, test } from './support/fixtures';

test('Settings shows storage used, the quota, persistence and what is kept locally', async ({
	page
}) => {
	await page.goto('/settings');
	await expect(page.getByTestId('storage-usage')).toHaveText(
		/^\d+(\.\d)? [KMGT]?B of \d+(\.\d)? [KMGT]?B available$/
	);
	await expect(page.getByTestId('storage-persisted')).toHaveText(/^(Yes|Not yet) — /);
	await expect(page.getByTestId('local-data')).toHaveText(
		'On this device: 0 conversations, 0 documents, 0 unsent drafts, 0 changes waiting to sync.'
	);
});

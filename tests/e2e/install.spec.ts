import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';

test('Chromium reports no installability errors', async ({
	playwright,
	baseURL,
	launchOptions
}) => {
	// Test contexts are incognito, where Chromium never offers to install: use a real profile.
	const profile = mkdtempSync(join(tmpdir(), 'hearth-e2e-profile-'));
	const context = await playwright.chromium.launchPersistentContext(profile, {
		...launchOptions,
		baseURL,
		serviceWorkers: 'allow'
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Chat' })).toBeVisible();
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
});

test('the manifest offers separate any and maskable icons at 192 and 512 px', async ({
	page,
	request
}) => {
	await page.goto('/');
	const cdp = await page.context().newCDPSession(page);
	const { url, errors } = await cdp.send('Page.getAppManifest');
	expect(errors).toEqual([]);

	const manifest = await (await request.get(url)).json();
	expect(manifest).toMatchObject({ id: '/', start_url: '/', scope: '/', display: 'standalone' });
	const icons = manifest.icons.map(
		(i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`
	);
	expect(icons.sort()).toEqual([
		'192x192 any',
		'192x192 maskable',
		'512x512 any',
		'512x512 maskable'
	]);
	for (const icon of manifest.icons) {
		const response = await request.get(icon.src);
		expect(response.headers()['content-type'], icon.src).toBe('image/png');
	}
});

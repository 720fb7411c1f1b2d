import { expect, test } from './support/fixtures';
import { waitForServiceWorkerControl } from './support/service-worker';

test('the service worker controls the page after the first visit', async ({ page }) => {
	await page.goto('/');
	await waitForServiceWorkerControl(page);
	const scriptUrl = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
	expect(new URL(scriptUrl!).pathname).toBe('/service-worker.js');
});

test('a second visit starts with no network at all, cross-origin isolated', async ({
	page,
	context
}) => {
	await page.goto('/');
	await waitForServiceWorkerControl(page);

	const reachedNetwork: string[] = [];
	await context.route('**', (route) => {
		reachedNetwork.push(route.request().url());
		return route.abort('internetdisconnected');
	});
	await context.setOffline(true);

	await page.reload();
	await expect(page.getByRole('heading', { name: 'Chat' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

	// A deep link opened cold in a new tab is answered with the cached shell too.
	const tab = await context.newPage();
	await tab.goto('/settings');
	await expect(tab.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
	await tab.getByRole('link', { name: 'Models' }).click();
	await expect(tab.getByRole('heading', { name: 'Models' })).toBeVisible();

	// Data requests (the API, the model registry) do go out and fail, as they must offline, and
	// the browser checks for a new service worker; nothing of the app itself may need the network.
	const appRequests = reachedNetwork.filter((url) => {
		const { pathname } = new URL(url);
		return !/^\/(api|registry)\//.test(pathname) && pathname !== '/service-worker.js';
	});
	expect(appRequests).toEqual([]);
});

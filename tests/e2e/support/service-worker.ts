import type { Page } from '@playwright/test';

/** Waits until the app's service worker has installed, activated and controls `page`. */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
		timeout: 30_000
	});
}

/** The version of the app running in `page`, as Settings shows it. */
export async function runningVersion(page: Page): Promise<string> {
	return (await page.getByTestId('app-version').textContent()) ?? '';
}

// Taking the browser offline as a person loses the network, and what waits in its outbox.
import type { BrowserContext, Page } from '@playwright/test';

/** Offline for the page (`navigator.onLine`) and for every API request, the service worker's too. */
export async function goOffline(context: BrowserContext): Promise<void> {
	await context.route('**/api/**', (route) => route.abort('internetdisconnected'));
	await context.setOffline(true);
}

export async function goOnline(context: BrowserContext): Promise<void> {
	await context.unroute('**/api/**');
	await context.setOffline(false);
}

/** Entries of the app's outbox: changes not yet acknowledged by the server. */
export function outboxCount(page: Page): Promise<number> {
	return page.evaluate(
		() =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('hearth');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const count = open.result.transaction('outbox').objectStore('outbox').count();
					count.onsuccess = () => {
						resolve(count.result);
						open.result.close();
					};
				};
			})
	);
}

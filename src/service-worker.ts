/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// The app-shell worker. It precaches the shell so a second visit starts with no network,
// answers every navigation with the cached index.html, and never touches the API or the
// model registry (/api/**, /registry/** always go to the network; model blobs live in the
// model manager's own cache), except that Background Sync sends the outbox from here when the
// network returns with no page open (src/lib/sync/background-sync.ts). A new version waits until the page sends SKIP_WAITING, which it
// does only when the user clicks "Update available — reload".
import { build, files, version } from '$service-worker';
import { clientsClaim } from 'workbox-core';
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { ExpirationPlugin } from 'workbox-expiration';
import { CacheFirst } from 'workbox-strategies';
import { isCachedOnUse, planPrecache, shellUrl } from '$lib/pwa/precache-plan';
import { OUTBOX_SYNCED_MESSAGE, OUTBOX_SYNC_TAG } from '$lib/sync/background-sync';
import { syncOutboxInWorker } from '$lib/sync/worker-sync';

const sw = self as unknown as ServiceWorkerGlobalScope;

/** Background Sync's event; TypeScript's worker library does not declare it. */
interface SyncEvent extends ExtendableEvent {
	readonly tag: string;
}

// Routes are tried in the order they are registered: the precache answers first.
precacheAndRoute(planPrecache({ build, files, version }));
cleanupOutdatedCaches();

registerRoute(
	new NavigationRoute(createHandlerBoundToURL(shellUrl), {
		denylist: [/^\/api\//, /^\/registry\//]
	})
);

registerRoute(
	({ url, sameOrigin }) => sameOrigin && isCachedOnUse(url.pathname),
	new CacheFirst({
		cacheName: 'hearth-loaded-on-use',
		plugins: [
			// Least recently used files go first, so old versions' worker chunks do not pile up;
			// one version of the inference worker is about ten files. No age limit: a model
			// runtime used once must keep working offline for as long as the user is away.
			new ExpirationPlugin({ maxEntries: 60, purgeOnQuotaError: true })
		]
	})
);

// The first install takes over the open page at once (nothing is running yet that an update
// could disturb); later versions reach this point only after the user's click.
clientsClaim();

sw.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('sync', (event) => {
	const { tag } = event as SyncEvent;
	if (tag !== OUTBOX_SYNC_TAG) return;
	(event as SyncEvent).waitUntil(
		syncOutboxInWorker().then(async (sent) => {
			if (!sent) return;
			for (const client of await sw.clients.matchAll({ type: 'window' })) {
				client.postMessage({ type: OUTBOX_SYNCED_MESSAGE });
			}
		})
	);
});

/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// The app-shell worker. It precaches the shell so a second visit starts with no network,
// answers every navigation with the cached index.html, and never touches the API or the
// model registry (/api/**, /registry/** always go to the network; model blobs live in the
// model manager's own cache). A new version waits until the page sends SKIP_WAITING, which it
// does only when the user clicks "Update available — reload".
import { build, files, version } from '$service-worker';
import { clientsClaim } from 'workbox-core';
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { planPrecache, shellUrl } from '$lib/pwa/precache-plan';

const sw = self as unknown as ServiceWorkerGlobalScope;
const onDemandCache = 'hearth-on-demand-assets';

const plan = planPrecache({ build, files, version });
const onDemand = new Set(plan.onDemand);

precacheAndRoute(plan.precache);
cleanupOutdatedCaches();

registerRoute(
	new NavigationRoute(createHandlerBoundToURL(shellUrl), {
		denylist: [/^\/api\//, /^\/registry\//]
	})
);

registerRoute(
	({ url, sameOrigin }) => sameOrigin && onDemand.has(url.pathname),
	new CacheFirst({ cacheName: onDemandCache })
);

// The first install takes over the open page at once (nothing is running yet that an update
// could disturb); later versions reach this point only after the user's click.
clientsClaim();

sw.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(pruneOnDemandCache());
});

/** Drops runtime-cached files that this version no longer references. */
async function pruneOnDemandCache(): Promise<void> {
	const cache = await caches.open(onDemandCache);
	for (const request of await cache.keys()) {
		if (!onDemand.has(new URL(request.url).pathname)) await cache.delete(request);
	}
}

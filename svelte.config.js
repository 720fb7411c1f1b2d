import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// SvelteKit reads this file more than once in one build; pinning the id on the first read keeps
// the pages, version.json and the service worker of one build on the same version.
process.env.HEARTH_BUILD_ID ??= String(Date.now());

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// A static SPA: the sync server serves build/ and falls back to index.html for deep links.
		adapter: adapter({ fallback: 'index.html', strict: true }),
		// workbox-window registers the worker so the update prompt can wait for the user's click.
		serviceWorker: { register: false },
		version: { name: process.env.HEARTH_BUILD_ID },
		alias: { $workers: 'workers' }
	}
};

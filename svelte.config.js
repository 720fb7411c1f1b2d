import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// A static SPA: the sync server serves build/ and falls back to index.html for deep links.
		adapter: adapter({ fallback: 'index.html', strict: true }),
		// workbox-window registers the worker so the update prompt can wait for the user's click.
		serviceWorker: { register: false },
		version: { name: process.env.HEARTH_BUILD_ID ?? String(Date.now()) },
		alias: { $workers: 'workers' }
	}
};

import type { PrecacheEntry } from 'workbox-precaching';

/** The page every navigation is answered with: the SPA's fallback, index.html. */
export const shellUrl = '/';

/**
 * Large files only some uses need are left out: the WebAssembly runtimes and the inference
 * worker's backend chunks (web-llm alone is 6 MB), and pdf.js with its worker (1.6 MB, read only
 * when someone adds a PDF). They are cached the first time they are used instead (see
 * `isCachedOnUse`), so installing the app stays light and what was used once keeps working
 * offline. The inference worker's entry is precached: the Chat and Models pages start it on every
 * visit to probe the device. Its chunks never appear in `$service-worker`'s lists at all.
 */
const loadedOnUse = (path: string) =>
	path.endsWith('.wasm') || /\/pdf\.(worker\.)?min\.[^/]+\.mjs$/.test(path);

/** Model data never goes through the service worker's caches: the model manager owns it. */
const modelFile = (path: string) =>
	path.startsWith('/registry/') || /\.(onnx|onnx_data|safetensors|gguf|bin)$/.test(path);

/**
 * What a new version fetches at install, from what `$service-worker` lists. Hashed build files
 * need no revision (a change renames them); static files and the shell change under the same
 * name, so they carry the build's version.
 */
export function planPrecache(listing: {
	build: readonly string[];
	files: readonly string[];
	version: string;
}): PrecacheEntry[] {
	const { build, files, version } = listing;
	return [
		{ url: shellUrl, revision: version },
		...build
			.filter((path) => !loadedOnUse(path) && !modelFile(path))
			.map((url) => ({ url, revision: null })),
		...files.filter((path) => !modelFile(path)).map((url) => ({ url, revision: version }))
	];
}

/**
 * Whether a request the precache did not answer is kept after its first use: any hashed build
 * file (its name changes with its content, so a cached copy can never be stale).
 */
export function isCachedOnUse(path: string): boolean {
	return path.startsWith('/_app/immutable/');
}

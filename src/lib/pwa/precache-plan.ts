import type { PrecacheEntry } from 'workbox-precaching';

/** The page every navigation is answered with: the SPA's fallback, index.html. */
export const shellUrl = '/';

export interface PrecachePlan {
	/** Fetched when a version installs; the app starts from these with no network. */
	precache: PrecacheEntry[];
	/**
	 * Large hashed files that only a model needs (the inference worker and its WebAssembly
	 * runtimes): cached the first time they are used, so installing the app stays light and a
	 * model used once keeps working offline.
	 */
	onDemand: string[];
}

const onDemandBuildFile = (path: string) =>
	path.endsWith('.wasm') || path.startsWith('/_app/immutable/workers/');

/** Model data never goes through the service worker's caches: the model manager owns it. */
const modelFile = (path: string) =>
	path.startsWith('/registry/') || /\.(onnx|onnx_data|safetensors|gguf|bin)$/.test(path);

/**
 * Splits what `$service-worker` lists into the install-time precache and the cache-on-use set.
 * Hashed build files need no revision (a change renames them); static files and the shell
 * change under the same name, so they carry the build's version.
 */
export function planPrecache(listing: {
	build: readonly string[];
	files: readonly string[];
	version: string;
}): PrecachePlan {
	const { build, files, version } = listing;
	const onDemand = build.filter(onDemandBuildFile);
	const precache: PrecacheEntry[] = [
		{ url: shellUrl, revision: version },
		...build
			.filter((p) => !onDemandBuildFile(p) && !modelFile(p))
			.map((url) => ({ url, revision: null })),
		...files.filter((p) => !modelFile(p)).map((url) => ({ url, revision: version }))
	];
	return { precache, onDemand };
}

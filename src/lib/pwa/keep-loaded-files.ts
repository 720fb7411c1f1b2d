// On a first visit the page, and the inference worker it starts, load files before the service
// worker controls them: those fetches pass its cache-on-use by, so a model used then would not
// start offline later ("Failed to fetch dynamically imported module"). Once the service worker
// takes control, the files loaded so far are fetched again through it, which keeps them.
import { isCachedOnUse } from './precache-plan';

/** Fetches (through the now controlling service worker) the listed files it keeps on use; resolves to how many. */
export async function keepLoadedFiles(
	urls: readonly string[],
	origin: string,
	fetchFile: (url: string) => Promise<unknown>
): Promise<number> {
	const wanted = [...new Set(urls)].filter((url) => {
		const parsed = new URL(url, origin);
		return parsed.origin === origin && isCachedOnUse(parsed.pathname);
	});
	// One that fails (offline again already) is fetched the next time it is used.
	await Promise.all(wanted.map((url) => fetchFile(url).catch(() => undefined)));
	return wanted.length;
}

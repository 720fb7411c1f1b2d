// The encyclopedia lookup: Wikipedia's public REST API (CORS-enabled, no key), first a title
// search, then the summary of the best page. Offline, or when Wikipedia cannot be reached, the
// model reads a plain sentence saying so and answers without it.
import { encyclopediaDeclaration } from '$lib/shared/tools/declarations';
import { ENCYCLOPEDIA_ORIGIN } from '$lib/shared/tools/encyclopedia-origin';
import { passagesOutput } from '$lib/shared/tools/document-search';
import { defineTool } from '$lib/shared/tools/tool';

const UNAVAILABLE =
	'The encyclopedia is not available offline. Answer from what you know and say that you could not look it up.';

interface SearchAnswer {
	pages?: { key: string; title: string }[];
}

interface SummaryAnswer {
	title?: string;
	extract?: string;
	content_urls?: { desktop?: { page?: string } };
}

export function encyclopediaTool(fetcher: typeof fetch = fetch, online = () => navigator.onLine) {
	const get = async <T>(path: string, signal: AbortSignal): Promise<T> => {
		const response = await fetcher(`${ENCYCLOPEDIA_ORIGIN}${path}`, {
			signal,
			headers: { accept: 'application/json' }
		});
		if (!response.ok) throw new Error(`Wikipedia answered ${response.status}`);
		return (await response.json()) as T;
	};
	return defineTool({
		...encyclopediaDeclaration,
		async run({ query }, { signal }) {
			if (!online()) return { text: UNAVAILABLE };
			try {
				const found = await get<SearchAnswer>(
					`/w/rest.php/v1/search/title?q=${encodeURIComponent(query)}&limit=1`,
					signal
				);
				const page = found.pages?.[0];
				if (!page) return { text: `Wikipedia has no article matching "${query}".` };
				const summary = await get<SummaryAnswer>(
					`/api/rest_v1/page/summary/${encodeURIComponent(page.key)}`,
					signal
				);
				const url =
					summary.content_urls?.desktop?.page ??
					`${ENCYCLOPEDIA_ORIGIN}/wiki/${encodeURIComponent(page.key)}`;
				return passagesOutput(query, [
					{
						id: url,
						documentId: url,
						title: summary.title ?? page.title,
						text: summary.extract ?? ''
					}
				]);
			} catch (error) {
				// fetch rejects with a TypeError when the network is down or the host unreachable.
				if (error instanceof TypeError) return { text: UNAVAILABLE };
				throw error;
			}
		}
	});
}

// The encyclopedia against Wikipedia's REST API as it answers (shapes from en.wikipedia.org's
// /w/rest.php/v1/search/title and /api/rest_v1/page/summary), served by a fake fetch.
import { describe, expect, it } from 'vitest';
import { encyclopediaTool } from '$lib/tools/encyclopedia';

const context = { signal: new AbortController().signal };

function wikipedia(routes: Record<string, unknown>, requests: string[] = []): typeof fetch {
	return (async (input: RequestInfo | URL) => {
		const url = String(input);
		requests.push(url);
		const path = url.replace('https://en.wikipedia.org', '');
		if (!(path in routes)) return new Response('{}', { status: 404 });
		return Response.json(routes[path]);
	}) as typeof fetch;
}

describe('encyclopedia', () => {
	it("returns the best article's summary as a numbered passage linking the article", async () => {
		const requests: string[] = [];
		const tool = encyclopediaTool(
			wikipedia(
				{
					'/w/rest.php/v1/search/title?q=ada%20lovelace&limit=1': {
						pages: [
							{
								id: 1,
								key: 'Ada_Lovelace',
								title: 'Ada Lovelace',
								excerpt: 'Ada',
								description: 'mathematician'
							}
						]
					},
					'/api/rest_v1/page/summary/Ada_Lovelace': {
						type: 'standard',
						title: 'Ada Lovelace',
						extract: 'Augusta Ada King, Countess of Lovelace, was an English mathematician.',
						content_urls: { desktop: { page: 'https://en.wikipedia.org/wiki/Ada_Lovelace' } }
					}
				},
				requests
			),
			() => true
		);
		const output = await tool.run({ query: 'ada lovelace' }, context);
		expect(output.text).toBe(
			'[1] Ada Lovelace: Augusta Ada King, Countess of Lovelace, was an English mathematician.'
		);
		expect(output.sources).toEqual([
			{
				id: 'https://en.wikipedia.org/wiki/Ada_Lovelace',
				title: 'Ada Lovelace',
				text: 'Augusta Ada King, Countess of Lovelace, was an English mathematician.'
			}
		]);
		expect(requests.every((url) => url.startsWith('https://en.wikipedia.org/'))).toBe(true);
	});

	it('says so when nothing matches, when offline, and when Wikipedia cannot be reached', async () => {
		const none = encyclopediaTool(
			wikipedia({ '/w/rest.php/v1/search/title?q=zzqx&limit=1': { pages: [] } }),
			() => true
		);
		expect((await none.run({ query: 'zzqx' }, context)).text).toBe(
			'Wikipedia has no article matching "zzqx".'
		);
		const offline = encyclopediaTool(wikipedia({}), () => false);
		expect((await offline.run({ query: 'x' }, context)).text).toMatch(
			/^The encyclopedia is not available offline\./
		);
		const unreachable = encyclopediaTool(
			(async () => {
				throw new TypeError('Failed to fetch');
			}) as typeof fetch,
			() => true
		);
		expect((await unreachable.run({ query: 'x' }, context)).text).toMatch(/not available offline/);
	});

	it('fails with the status when Wikipedia answers an error', async () => {
		const tool = encyclopediaTool(wikipedia({}), () => true);
		await expect(tool.run({ query: 'x' }, context)).rejects.toThrow('Wikipedia answered 404');
	});
});

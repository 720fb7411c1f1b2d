import { initialJsBudgetBytes, measureInitialJs } from '../../bench/bundle-size';
import { buildDir, buildIds } from './support/builds';
import { expect, test } from './support/fixtures';

test.describe('a first visit', () => {
	// Without a worker, so only what the page itself asks for is counted (the worker's
	// precache downloads the rest in the background after the page has started).
	test.use({ serviceWorkers: 'block' });

	test(`downloads at most ${initialJsBudgetBytes / 1000} KB of JavaScript (gzip) before / is shown`, async ({
		page
	}) => {
		const report = await measureInitialJs(buildDir(buildIds.second));
		test.info().annotations.push({
			type: 'initial JS',
			description: `${(report.totalGzipBytes / 1000).toFixed(1)} KB gzip in ${report.chunks.length} chunks`
		});

		const fetched = new Set<string>();
		page.on('request', (request) => {
			const url = new URL(request.url());
			if (url.pathname.endsWith('.js')) fetched.add(url.pathname);
		});
		await page.goto('/', { waitUntil: 'networkidle' });
		await expect(page.getByRole('heading', { name: 'Chat' })).toBeVisible();

		// The build analysis counts exactly what the browser fetched to show the page.
		expect([...fetched].sort()).toEqual(report.chunks.map((c) => c.path));
		expect(report.totalGzipBytes).toBeLessThanOrEqual(initialJsBudgetBytes);
	});
});

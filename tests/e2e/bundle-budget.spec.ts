import { initialJsBudgetBytes, measureInitialJs } from '../../bench/bundle-size';
import { e2eBuilds } from './support/builds';
import { expect, test } from './support/fixtures';

test.describe('a first visit', () => {
	// Without a worker, so only what the page itself asks for is seen (the worker's precache
	// downloads the rest in the background once the page has started).
	test.use({ serviceWorkers: 'block' });

	test(`needs at most ${initialJsBudgetBytes / 1000} KB of JavaScript (gzip) to show /`, async ({
		page
	}) => {
		const report = await measureInitialJs(e2eBuilds().current.dir);
		const counted = new Set(report.chunks.map((c) => c.path));
		test.info().annotations.push({
			type: 'initial JS',
			description: `${(report.totalGzipBytes / 1000).toFixed(1)} KB gzip in ${counted.size} chunks`
		});

		// Serve only the chunks the build analysis counts: the shell must still render, so none
		// of what it needs was missed; everything else is a dynamic import started later.
		const fetched = new Set<string>();
		await page.route('**/*.js', (route) => {
			const path = new URL(route.request().url()).pathname;
			fetched.add(path);
			return counted.has(path) ? route.continue() : route.abort();
		});
		await page.goto('/');
		await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
		await page.waitForLoadState('networkidle');

		// And nothing counted is dead weight: the browser asked for every one of them.
		expect([...counted].filter((path) => !fetched.has(path))).toEqual([]);
		expect(report.totalGzipBytes).toBeLessThanOrEqual(initialJsBudgetBytes);
	});
});

import { expect, test } from './support/fixtures';

const sections = [
	{ link: 'Chat', path: '/' },
	{ link: 'Documents', path: '/documents' },
	{ link: 'Contribute', path: '/contribute' },
	{ link: 'Leaderboard', path: '/leaderboard' },
	{ link: 'Models', path: '/models' },
	{ link: 'Settings', path: '/settings' }
];

test.describe('on a 360 px phone', () => {
	test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

	test('every section is one tap away in a bottom bar, and no page scrolls sideways', async ({
		page
	}) => {
		await page.goto('/');
		const nav = page.getByRole('navigation', { name: 'Main' });
		for (const { link, path } of sections) {
			await nav.getByRole('link', { name: link }).tap();
			await expect(page).toHaveURL(path);
			await expect(page.getByRole('heading', { level: 1, name: link })).toBeVisible();
			await expect(nav.getByRole('link', { name: link })).toHaveAttribute('aria-current', 'page');
			// Let the page finish what it loads after rendering (device probe, model list).
			await page.waitForLoadState('networkidle');

			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow, `horizontal overflow on ${path}`).toBe(0);
			const box = await nav.boundingBox();
			expect(box!.y + box!.height, `bottom of the tab bar on ${path}`).toBeCloseTo(740, 0);
			for (const other of sections)
				await expect(nav.getByRole('link', { name: other.link })).toBeInViewport();
			const cutLabels = await nav
				.locator('.label')
				.evaluateAll((labels) =>
					labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent)
				);
			expect(cutLabels, `labels cut short on ${path}`).toEqual([]);
		}
	});
});

test.describe('on a desktop', () => {
	test.use({ viewport: { width: 1280, height: 800 } });

	test('the sections sit in a side column that stays in view on a long page', async ({ page }) => {
		await page.goto('/models');
		const navigation = page.getByRole('navigation', { name: 'Main' });
		const nav = await navigation.boundingBox();
		const main = await page.getByRole('main').boundingBox();
		expect(nav!.x).toBe(0);
		expect(nav!.height).toBeGreaterThanOrEqual(800 - 1);
		expect(main!.x).toBeGreaterThanOrEqual(nav!.width);

		// The Models page, once its cards are in, is longer than the window: scrolled to its end,
		// the column is still there.
		await expect
			.poll(() => page.evaluate(() => document.documentElement.scrollHeight))
			.toBeGreaterThan(1600);
		await page.mouse.wheel(0, 100_000);
		await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(800);
		await expect(navigation.getByRole('link', { name: 'Chat' })).toBeInViewport();
		expect(Math.abs((await navigation.boundingBox())!.y)).toBeLessThan(1);
	});
});

for (const colorScheme of ['light', 'dark'] as const) {
	test.describe(`with the system in ${colorScheme} mode`, () => {
		test.use({ colorScheme });

		test(`the app is ${colorScheme}`, async ({ page }) => {
			await page.goto('/');
			const colours = await page.evaluate(() => {
				const style = getComputedStyle(document.body);
				return { background: style.backgroundColor, text: style.color };
			});
			const luminance = (rgb: string) => {
				const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
				return 0.2126 * r + 0.7152 * g + 0.0722 * b;
			};
			const [background, text] = [luminance(colours.background), luminance(colours.text)];
			if (colorScheme === 'dark') expect(background).toBeLessThan(64);
			else expect(background).toBeGreaterThan(192);
			// Text stays readable against its background in both themes.
			expect(Math.abs(background - text)).toBeGreaterThan(150);
		});
	});
}

test('the connection indicator follows the network', async ({ page, context }) => {
	await page.goto('/');
	const indicator = page.getByRole('status').filter({ hasText: /Online|Offline/ });
	await expect(indicator).toHaveText('Online');
	await context.setOffline(true);
	await expect(indicator).toHaveText('Offline');
	await context.setOffline(false);
	await expect(indicator).toHaveText('Online');
});

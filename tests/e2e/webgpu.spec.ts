import { expect, test } from './support/fixtures';

test('the test browser gives the app a WebGPU adapter', async ({ page }) => {
	await page.goto('/');
	const adapter = await page.evaluate(async () => {
		// The WebGPU types are not part of TypeScript's DOM library; name the little used here.
		type Adapter = { info: { architecture: string }; limits: { maxBufferSize: number } };
		const gpu = (navigator as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
		const found = await gpu?.requestAdapter();
		return found
			? { architecture: found.info.architecture, maxBufferSize: found.limits.maxBufferSize }
			: null;
	});
	expect(adapter).not.toBeNull();
	expect(adapter!.maxBufferSize).toBeGreaterThan(0);
	test.info().annotations.push({ type: 'adapter', description: adapter!.architecture });
});

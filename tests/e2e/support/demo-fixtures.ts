// Tests that chat with the demo model: a server per worker whose registry holds it.
import { e2eBuilds } from './builds';
import { prepareDemoRegistry, type DemoRegistry } from './demo-registry';
import { test as base } from './fixtures';
import { startHearthServer } from './hearth-server';

export { expect } from './fixtures';

export const test = base.extend<object, { demo: DemoRegistry }>({
	demo: [
		// eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
		async ({}, use) => {
			const demo = prepareDemoRegistry();
			await use(demo);
			demo.remove();
		},
		// A first run trains the ci model (a few minutes on two cores); later runs reuse it.
		{ scope: 'worker', timeout: 900_000 }
	],
	hearth: [
		async ({ demo }, use) => {
			const server = await startHearthServer(e2eBuilds().current.dir, { registryDir: demo.dir });
			await use(server);
			await server.stop();
		},
		{ scope: 'worker' }
	]
});

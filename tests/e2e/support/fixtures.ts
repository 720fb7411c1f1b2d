import { test as base } from '@playwright/test';
import { buildDir, buildIds } from './builds';
import { startHearthServer, type HearthServer } from './hearth-server';

export { expect } from '@playwright/test';

interface WorkerFixtures {
	/** One server per test worker, serving the second (latest) build. */
	hearth: HearthServer;
}

export const test = base.extend<object, WorkerFixtures>({
	hearth: [
		// eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
		async ({}, use) => {
			const server = await startHearthServer(buildDir(buildIds.second));
			await use(server);
			await server.stop();
		},
		{ scope: 'worker' }
	],
	baseURL: async ({ hearth }, use) => {
		await use(hearth.url);
	}
});

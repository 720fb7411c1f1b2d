import { test as base } from '@playwright/test';
import { e2eBuilds } from './builds';
import { startHearthServer, type HearthServer } from './hearth-server';

export { expect } from '@playwright/test';

interface WorkerFixtures {
	/** One server per test worker, serving the current build. */
	hearth: HearthServer;
}

export const test = base.extend<object, WorkerFixtures>({
	hearth: [
		// eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
		async ({}, use) => {
			const server = await startHearthServer(e2eBuilds().current.dir);
			await use(server);
			await server.stop();
		},
		{ scope: 'worker' }
	],
	baseURL: async ({ hearth }, use) => {
		await use(hearth.url);
	}
});

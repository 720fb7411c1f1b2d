import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';

// End-to-end tests drive the production build in Debian's Chromium, served by the real sync
// server (started per test worker by tests/e2e/support/fixtures.ts). The global setup builds
// the app twice, with two build ids, so the update flow can be shown going from one to the next.
export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/support/global-setup.ts',
	// Two cores are shared by everything; one browser at a time keeps timings honest.
	workers: 1,
	fullyParallel: false,
	forbidOnly: true,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		serviceWorkers: 'allow',
		launchOptions: {
			executablePath: chromiumPath,
			args: chromiumArgs
		}
	}
});

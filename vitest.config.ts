import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// Pipeline runs that start from a model the test writes itself, so they need not wait for the
// global setup's ci run (minutes when the training sources changed).
const PIPELINE_WITHOUT_CI_RUN = ['tests/pipeline/hf-base.test.ts'];

// Five suites: unit (pure logic, Dexie on fake-indexeddb), server (SQLite and a real
// PostgreSQL started by the global setup), pipeline (trains the `ci` model for real once),
// pipeline-base (pipeline runs from a base model the test writes) and component (Svelte
// components rendered in jsdom with @testing-library/svelte).
export default defineConfig({
	plugins: [svelte({ compilerOptions: { runes: true } })],
	resolve: { alias: { $lib: path('./src/lib'), $workers: path('./workers') } },
	test: {
		// Vitest leaves a core free by default, which on two cores is one worker: the suites'
		// many tests that wait on a server, PostgreSQL or a child process then wait in line. Two
		// workers: unit, server and component took 260 s instead of 358 s, measured one after the
		// other on a 2-core machine. The pipeline suite stays one file at a time (see below).
		maxWorkers: Math.max(2, availableParallelism() - 1),
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'server',
					include: ['tests/server/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/server/postgres.global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'pipeline',
					include: ['tests/pipeline/**/*.test.ts'],
					exclude: [...configDefaults.exclude, ...PIPELINE_WITHOUT_CI_RUN],
					environment: 'node',
					globalSetup: ['tests/pipeline/pipeline-runs.global-setup.ts'],
					testTimeout: 300_000,
					hookTimeout: 900_000,
					fileParallelism: false
				}
			},
			{
				extends: true,
				test: {
					name: 'pipeline-base',
					include: PIPELINE_WITHOUT_CI_RUN,
					environment: 'node',
					testTimeout: 300_000,
					hookTimeout: 300_000
				}
			},
			{
				extends: true,
				// Svelte's browser build: its default (server) build cannot mount components.
				resolve: {
					conditions: ['browser'],
					alias: { '$app/paths': path('./tests/component/support/app-paths.ts') }
				},
				test: {
					name: 'component',
					include: ['tests/component/**/*.test.ts'],
					environment: 'jsdom',
					// jest-dom matchers, and the rendered components unmounted after each test.
					setupFiles: ['tests/component/setup.ts', '@testing-library/svelte/vitest']
				}
			}
		]
	}
});

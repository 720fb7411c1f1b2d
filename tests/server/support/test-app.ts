// Builds the real server app for a test: a fresh database of the given dialect, a fake app
// build and a fake registry in temporary directories; `close` removes all of it.
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppConfig } from '../../../sync-server/app';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../../sync-server/config';
import type { DatabaseDialect } from '../../../src/lib/protocol/health';
import { createTestDatabase } from './databases';
import { writeFakeBuild, writeFakeRegistry } from './fake-build';

export interface TestApp {
	app: FastifyInstance;
	config: AppConfig;
	close(): Promise<void>;
}

/** `prepare` runs before the app is ready, e.g. to add a route that exercises the plumbing. */
export async function createTestApp(
	dialect: DatabaseDialect,
	options: { overrides?: Partial<AppConfig>; prepare?: (app: FastifyInstance) => void } = {}
): Promise<TestApp> {
	const database = await createTestDatabase(dialect);
	const config: AppConfig = {
		database: database.config,
		staticDir: writeFakeBuild(),
		registryDir: writeFakeRegistry(),
		bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
		logLevel: 'silent',
		...options.overrides
	};
	const app = await buildApp(config);
	options.prepare?.(app);
	await app.ready();
	return {
		app,
		config,
		async close() {
			await app.close();
			await database.drop();
			rmSync(config.staticDir, { recursive: true, force: true });
			rmSync(config.registryDir, { recursive: true, force: true });
		}
	};
}

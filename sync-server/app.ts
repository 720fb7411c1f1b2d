// Builds the HTTP server from a configuration: the API, the model registry and the built app on
// one origin, so the app, its service worker and the model files share cross-origin isolation.
//
// Why Fastify: it parses JSON bodies itself and answers malformed ones with a 400 we can shape;
// its validator-compiler hook lets routes validate with the zod schemas the app already uses
// (no JSON Schema copies); @fastify/static (over `send`) brings range requests, ETags and 304s
// for model blobs; `app.inject` runs requests in-process for tests; and its plugin ecosystem
// (rate limits, compression) is mature.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { healthRoutes } from './api/health';
import type { ServerConfig } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { ApiHttpError, installErrorHandler, sendApiError } from './http/api-error';
import { compressResponses } from './http/compression';
import { installJsonBodyParser } from './http/json-body';
import { serveRegistry } from './registry/serve';
import { addSecurityHeaders } from './http/security-headers';
import { serveStaticApp } from './http/static-app';
import { zodValidatorCompiler } from './http/zod-validation';
import { registerCommunityApi } from './community-api';
import type { ServiceOptions } from './service/service-config';

export type AppConfig = Omit<ServerConfig, 'port' | 'host'> & {
	/** The contribution service's options (tree manager numbers, limits…); defaults when absent. */
	service?: ServiceOptions;
};

/**
 * Opens and migrates the database, then returns the app, not yet listening (tests may add
 * routes or call `inject`). Closing the app closes the database.
 */
export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
	const app = Fastify({
		logger: { level: config.logLevel },
		// One line per request is noise for someone running `npm start`; errors are still logged.
		logController: new LogController({ disableRequestLogging: true }),
		bodyLimit: config.bodyLimitBytes
	});
	const database = openDatabase(config.database);
	app.addHook('onClose', () => database.close());
	try {
		const applied = await migrateToLatest(database.db);
		if (applied.length) app.log.info(`database migrated: ${applied.join(', ')}`);
	} catch (error) {
		await app.close();
		throw error;
	}

	app.setValidatorCompiler(zodValidatorCompiler);
	installJsonBodyParser(app);
	installErrorHandler(app, config.bodyLimitBytes);
	addSecurityHeaders(app);
	// Registered before compression, whose hook applies only to routes added after it: model
	// blobs must go out as the stored bytes (range requests, sha-256 checks in the browser).
	await serveRegistry(app, config.registryDir);
	await compressResponses(app);

	healthRoutes(app, database);
	registerCommunityApi(app, database, config.registryDir, config.service);
	const sendAppShell = await serveStaticApp(app, config.staticDir);

	app.setNotFoundHandler((request, reply) => {
		if (sendAppShell(request, reply)) return reply;
		const path = request.url.split('?')[0];
		return sendApiError(
			reply,
			new ApiHttpError(404, 'not_found', `nothing at ${request.method} ${path}`)
		);
	});
	return app;
}

// `npm run server` (and the last step of `npm start`): reads the environment, migrates the
// database and serves the app, its API and the model registry on one port.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppConfig } from './app';
import { ConfigError, loadConfig, type ServerConfig } from './config';
import { loadServiceOptions, ServiceConfigError } from './service/service-config';
import { describeDatabase } from './db/database';

async function main(): Promise<void> {
	let config: ServerConfig & AppConfig;
	try {
		config = {
			...loadConfig(process.env),
			service: loadServiceOptions(process.env, process.cwd())
		};
	} catch (error) {
		if (!(error instanceof ConfigError || error instanceof ServiceConfigError)) throw error;
		console.error(`hearth: ${error.message}`);
		process.exit(2);
	}
	let app: FastifyInstance;
	try {
		app = await buildApp(config);
	} catch (error) {
		console.error(`hearth: ${describeDatabase(config.database)}: ${(error as Error).message}`);
		process.exit(1);
	}
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			// Finish requests in flight (a push commits or not at all), then close the database.
			app.close().then(() => process.exit(0));
		});
	}
	try {
		await app.listen({ port: config.port, host: config.host });
	} catch (error) {
		const reason =
			(error as NodeJS.ErrnoException).code === 'EADDRINUSE'
				? 'the port is in use (set PORT)'
				: (error as Error).message;
		console.error(`hearth: cannot listen on ${config.host}:${config.port}: ${reason}`);
		await app.close();
		process.exit(1);
	}
	const address = app.server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	console.log(`Hearth is running at ${publicUrl(config.host, port)}`);
	console.log(`  database: ${describeDatabase(config.database)}`);
	console.log(`  app:      ${config.staticDir}`);
	console.log(`  registry: ${config.registryDir}`);
}

/** The URL to open: a wildcard or loopback bind is reached through localhost (a secure context). */
function publicUrl(host: string, port: number): string {
	const local = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host);
	const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
	return `http://${name}:${port}/`;
}

await main();

// GET /api/health: for load balancers, `npm start` users and the end-to-end tests.
import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '../../src/lib/protocol/health';
import type { HearthDatabase } from '../db/database';
import { databaseHealth } from '../db/health';
import { packageVersion } from '../version';

export function healthRoutes(app: FastifyInstance, database: HearthDatabase): void {
	app.get('/api/health', async (_request, reply) => {
		const db = await databaseHealth(database);
		const body: HealthResponse = {
			status: db.ok ? 'ok' : 'unavailable',
			version: packageVersion,
			database: db
		};
		return reply
			.code(db.ok ? 200 : 503)
			.header('cache-control', 'no-store')
			.send(body);
	});
}

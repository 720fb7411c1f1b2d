// Points endpoints:
//   GET /api/leaderboard?window=day|week|month|all&limit=   ranked contributors (public)
//   GET /api/me/stats                                       the caller's statistics
//   GET /api/me/contributions?limit=&before=                the caller's work, newest first
import type { FastifyInstance } from 'fastify';
import { contributionsQuerySchema, leaderboardQuerySchema } from '../../src/lib/protocol/points';
import { authenticate, bearerToken } from '../identity/authenticate';
import type { ZodTypeProvider } from '../http/zod-validation';
import type { Service } from '../service/service';
import { contributionsOf } from './contributions';
import { leaderboardView } from './leaderboards';
import { statsOf } from './stats';

export function pointsRoutes(app: FastifyInstance, service: Service): void {
	const api = app.withTypeProvider<ZodTypeProvider>();
	const { config } = service;

	api.get(
		'/api/leaderboard',
		{ schema: { querystring: leaderboardQuerySchema } },
		async (request) => {
			// Anyone may look; a signed-in caller also gets their own row.
			const caller = bearerToken(request)
				? await authenticate(service, request, { allowBanned: true })
				: null;
			return leaderboardView(
				service.database.db,
				request.query.window,
				request.query.limit,
				caller?.userId ?? null,
				config.clock(),
				config.treeManager
			);
		}
	);

	api.get('/api/me/stats', async (request) => {
		const caller = await authenticate(service, request, { allowBanned: true });
		return statsOf(
			service.database.db,
			{ id: caller.userId, displayName: caller.displayName },
			config.clock(),
			config.treeManager
		);
	});

	api.get(
		'/api/me/contributions',
		{ schema: { querystring: contributionsQuerySchema } },
		async (request) => {
			const caller = await authenticate(service, request, { allowBanned: true });
			return contributionsOf(service.database.db, caller.userId, request.query);
		}
	);
}

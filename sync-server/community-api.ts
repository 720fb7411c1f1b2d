// The composition root of the contribution service: everything contributors, moderators, admins
// and trainers talk to, on top of the server skeleton (`app.ts`) — identity, sync and tasks,
// points, moderation, export and the publish API, behind per-token and per-address rate limits —
// plus the prompt lottery's timer. Nothing imports this file but `app.ts`.
import type { FastifyInstance } from 'fastify';
import type { HearthDatabase } from './db/database';
import { exportRoutes } from './export/routes';
import { identityRoutes } from './identity/routes';
import { installRateLimits } from './limits/rate-limit';
import { moderationRoutes } from './moderation/routes';
import { pointsRoutes } from './points/routes';
import { publishRoutes } from './registry/publish-routes';
import { createService, type Service } from './service/service';
import type { ServiceOptions } from './service/service-config';
import { syncRoutes } from './sync/routes';
import { rankingPriorityRoutes } from './trainer/ranking-priorities';
import { runLotteryNow } from './trees/lottery-runner';

export function registerCommunityApi(
	app: FastifyInstance,
	database: HearthDatabase,
	registryDir: string,
	options: ServiceOptions = {}
): Service {
	const service = createService(database, options);
	installRateLimits(app, service.config);
	identityRoutes(app, service);
	syncRoutes(app, service);
	pointsRoutes(app, service);
	moderationRoutes(app, service);
	exportRoutes(app, service);
	publishRoutes(app, service, registryDir);
	rankingPriorityRoutes(app, service);
	startLotteryTimer(app, service);
	return service;
}

function startLotteryTimer(app: FastifyInstance, service: Service): void {
	let running: Promise<unknown> = Promise.resolve();
	const timer = setInterval(() => {
		running = runLotteryNow(service).catch((error) =>
			app.log.error({ err: error }, 'prompt lottery failed')
		);
	}, service.config.lotteryIntervalMs);
	timer.unref();
	app.addHook('onClose', async () => {
		clearInterval(timer);
		await running;
	});
}

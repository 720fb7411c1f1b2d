// Everything contributors, moderators and admins talk to, on top of the server skeleton:
// identity, sync and tasks, points, moderation and export, behind per-token and per-address
// rate limits; plus the prompt lottery's timer.
import type { FastifyInstance } from 'fastify';
import type { HearthDatabase } from '../db/database';
import { exportRoutes } from '../export/routes';
import { identityRoutes } from '../identity/routes';
import { installRateLimits } from '../limits/rate-limit';
import { moderationRoutes } from '../moderation/routes';
import { pointsRoutes } from '../points/routes';
import { runLottery } from '../trees/lottery-runner';
import { inWriteTransaction } from '../trees/transaction';
import { WriteSession, type Service } from '../trees/write-session';
import { resolveSyncConfig, type SyncOptions } from './sync-config';
import { syncRoutes } from './routes';

export function registerCommunityApi(
	app: FastifyInstance,
	database: HearthDatabase,
	options: SyncOptions = {}
): Service {
	const service: Service = { database, config: resolveSyncConfig(options) };
	installRateLimits(app, service.config);
	identityRoutes(app, service);
	syncRoutes(app, service);
	pointsRoutes(app, service);
	moderationRoutes(app, service);
	exportRoutes(app, service);
	startLotteryTimer(app, service);
	return service;
}

/** One lottery run over every language with waiting prompts, in its own transaction. */
export async function runLotteryNow(service: Service): Promise<string[]> {
	return inWriteTransaction(service.database, async (trx) => {
		const session = new WriteSession(trx, service, service.config.clock());
		const winners = await runLottery(session);
		await session.flush();
		return winners;
	});
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

// GET /api/export?format=trees|messages&lang=&state=&deleted=&spam=&synthetic=&anonymize=&gzip=
// &demo= (moderators, admins and trainer tokens): the oasst JSONL export, streamed; demo data only
// with demo=true. GET /api/export/withdrawn?anonymize= (the same callers): JSON lines of every
// message erased since (withdrawn, or its account deleted), for dropping it from earlier copies.
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { exportQuerySchema as oasstQuerySchema } from '../../src/lib/protocol/export';
import { authenticate } from '../identity/authenticate';
import { trainerOf } from '../identity/trainer-tokens';
import type { ZodTypeProvider } from '../http/zod-validation';
import type { Service } from '../service/service';
import { exportJsonLines, exportWithdrawn } from './oasst-export';

/** The export query, plus `demo=true` to include demo data (`npm run admin -- demo-data load`). */
const exportQuerySchema = oasstQuerySchema.extend({
	demo: z
		.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
		.transform((v) => v === 'true' || v === '1')
		.default(false)
});

const withdrawnQuerySchema = oasstQuerySchema.pick({ anonymize: true });

/** Exports are for trainers and moderators. */
async function authorise(service: Service, request: FastifyRequest): Promise<void> {
	if ((await trainerOf(service, request)) === null)
		await authenticate(service, request, { role: 'moderator' });
}

export function exportRoutes(app: FastifyInstance, service: Service): void {
	const api = app.withTypeProvider<ZodTypeProvider>();
	api.get(
		'/api/export/withdrawn',
		{ schema: { querystring: withdrawnQuerySchema } },
		async (request, reply) => {
			await authorise(service, request);
			const lines = Readable.from(
				(async function* () {
					for await (const m of exportWithdrawn(service.database.db, request.query.anonymize)) {
						yield `${JSON.stringify(m)}\n`;
					}
				})()
			);
			return reply
				.header('cache-control', 'no-store')
				.type('application/x-ndjson; charset=utf-8')
				.send(lines);
		}
	);
	api.get('/api/export', { schema: { querystring: exportQuerySchema } }, async (request, reply) => {
		await authorise(service, request);
		const { gzip, ...options } = request.query;
		const lines = Readable.from(exportJsonLines(service.database.db, options));
		const name = `hearth-${options.format}-${new Date(service.config.clock()).toISOString().slice(0, 10)}.jsonl`;
		reply.header('cache-control', 'no-store');
		if (gzip) {
			return reply
				.type('application/gzip')
				.header('content-disposition', `attachment; filename="${name}.gz"`)
				.send(lines.pipe(createGzip()));
		}
		return reply
			.type('application/x-ndjson; charset=utf-8')
			.header('content-disposition', `attachment; filename="${name}"`)
			.send(lines);
	});
}

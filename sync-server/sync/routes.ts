// Sync endpoints:
//   POST /api/sync/push      apply outbox mutations exactly once (see src/lib/protocol/sync.ts)
//   POST /api/sync/pull      what changed for this user since a cursor, leases, points, lastSeq
//   POST /api/tasks/lease    a batch of tasks for offline work
//   POST /api/tasks/request  one task for online work (a lease of one)
import type { FastifyInstance } from 'fastify';
import {
	leaseRequestSchema,
	pullRequestSchema,
	pushRequestSchema,
	taskRequestSchema,
	type LeaseResponse,
	type TaskResponse
} from '../../src/lib/protocol/sync';
import { authenticate } from '../identity/authenticate';
import type { ZodTypeProvider } from '../http/zod-validation';
import { leaseTasks } from '../tasks/lease';
import type { Service } from '../service/service';
import { pull } from './pull';
import { push } from './push';

export function syncRoutes(app: FastifyInstance, service: Service): void {
	const api = app.withTypeProvider<ZodTypeProvider>();

	api.post('/api/sync/push', { schema: { body: pushRequestSchema } }, async (request) =>
		push(service, await authenticate(service, request), request.body)
	);

	api.post('/api/sync/pull', { schema: { body: pullRequestSchema } }, async (request) =>
		pull(service, await authenticate(service, request, { allowBanned: true }), request.body)
	);

	api.post(
		'/api/tasks/lease',
		{ schema: { body: leaseRequestSchema } },
		async (request): Promise<LeaseResponse> => ({
			tasks: await leaseTasks(service, await authenticate(service, request), request.body)
		})
	);

	api.post(
		'/api/tasks/request',
		{ schema: { body: taskRequestSchema } },
		async (request): Promise<TaskResponse> => {
			const caller = await authenticate(service, request);
			const [task] = await leaseTasks(service, caller, { ...request.body, count: 1 });
			return { task: task ?? null };
		}
	);
}

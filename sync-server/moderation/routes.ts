// Moderation endpoints (moderator or admin; 403 otherwise):
//   GET  /api/moderation/flagged?limit=&includeDeleted=    the flagged-message queue
//   GET  /api/moderation/trees/:treeId                     a whole tree with its state history
//   POST /api/moderation/messages/:messageId/delete        {reason}: the message and its subtree
//   POST /api/moderation/messages/:messageId/undelete      {reason}
//   POST /api/moderation/trees/:treeId/halt                {reason}
//   POST /api/moderation/trees/:treeId/restart             {reason}
//   POST /api/moderation/trees/:treeId/activate            {reason}: an imported tree leaves the
//                                                          backlog for ranking (409 unless in
//                                                          backlog_ranking)
//   POST /api/moderation/users/:userId/ban                 {reason}: also takes back their tasks
//   POST /api/moderation/users/:userId/unban               {reason}
//   GET  /api/moderation/trollboard?window=&limit=
import type { FastifyInstance } from 'fastify';
import { userIdParamsSchema } from '../../src/lib/protocol/identity';
import {
	flaggedQuerySchema,
	messageIdParamsSchema,
	moderationReasonSchema,
	treeIdParamsSchema,
	trollboardQuerySchema
} from '../../src/lib/protocol/moderation';
import { authenticate } from '../identity/authenticate';
import type { ZodTypeProvider } from '../http/zod-validation';
import type { Service } from '../service/service';
import {
	activateTreeByModerator,
	deleteMessage,
	haltTreeByModerator,
	restartTreeByModerator,
	setBan,
	undeleteMessage
} from './actions';
import { flaggedMessages, moderatorTree, trollboard } from './views';

export function moderationRoutes(app: FastifyInstance, service: Service): void {
	const api = app.withTypeProvider<ZodTypeProvider>();
	const moderator = (request: Parameters<typeof authenticate>[1]) =>
		authenticate(service, request, { role: 'moderator' });
	const db = service.database.db;

	api.get(
		'/api/moderation/flagged',
		{ schema: { querystring: flaggedQuerySchema } },
		async (request) => {
			await moderator(request);
			return { messages: await flaggedMessages(db, request.query) };
		}
	);

	api.get(
		'/api/moderation/trees/:treeId',
		{ schema: { params: treeIdParamsSchema } },
		async (request) => {
			await moderator(request);
			return moderatorTree(db, request.params.treeId);
		}
	);

	// Each moderator action on one message or tree: the same route shape, another function.
	const messageAction = { schema: { params: messageIdParamsSchema, body: moderationReasonSchema } };
	const messageActions = [
		['delete', deleteMessage],
		['undelete', undeleteMessage]
	] as const;
	for (const [name, act] of messageActions) {
		api.post(`/api/moderation/messages/:messageId/${name}`, messageAction, async (request) =>
			act(service, await moderator(request), request.params.messageId, request.body.reason)
		);
	}

	const treeAction = { schema: { params: treeIdParamsSchema, body: moderationReasonSchema } };
	const treeActions = [
		['halt', haltTreeByModerator],
		['restart', restartTreeByModerator],
		['activate', activateTreeByModerator]
	] as const;
	for (const [name, act] of treeActions) {
		api.post(`/api/moderation/trees/:treeId/${name}`, treeAction, async (request) =>
			act(service, await moderator(request), request.params.treeId, request.body.reason)
		);
	}

	const userAction = { schema: { params: userIdParamsSchema, body: moderationReasonSchema } };
	api.post('/api/moderation/users/:userId/ban', userAction, async (request) =>
		setBan(service, await moderator(request), request.params.userId, true, request.body.reason)
	);
	api.post('/api/moderation/users/:userId/unban', userAction, async (request) =>
		setBan(service, await moderator(request), request.params.userId, false, request.body.reason)
	);

	api.get(
		'/api/moderation/trollboard',
		{ schema: { querystring: trollboardQuerySchema } },
		async (request) => {
			await moderator(request);
			const { window, limit } = request.query;
			return {
				window,
				rows: await trollboard(
					db,
					window,
					limit,
					service.config.clock(),
					service.config.treeManager
				)
			};
		}
	);
}

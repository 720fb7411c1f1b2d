// Identity endpoints:
//   POST  /api/devices                   register a device: a new account, token and client id
//   GET   /api/me                        who the token belongs to (also when banned)
//   PATCH /api/me                        change the display name
//   DELETE /api/me                       delete the account and erase everything it wrote
//   POST  /api/devices/link-code         a one-time code for adding another device
//   POST  /api/devices/link              move this device into the account of a code
//   POST  /api/admin/claim               become admin with the operator's HEARTH_ADMIN_TOKEN
//   PUT   /api/admin/users/:userId/role  set a user's role (admins only)
import type { FastifyInstance } from 'fastify';
import {
	claimAdminRequestSchema,
	linkDeviceRequestSchema,
	registerDeviceRequestSchema,
	setRoleRequestSchema,
	updateMeRequestSchema,
	userIdParamsSchema
} from '../../src/lib/protocol/identity';
import { deleteAccountRequestSchema } from '../../src/lib/protocol/donations';
import type { ZodTypeProvider } from '../http/zod-validation';
import type { Service } from '../service/service';
import {
	claimAdmin,
	createLinkCode,
	describeCaller,
	linkDevice,
	registerDevice,
	setDisplayName,
	setRole
} from './accounts';
import { authenticate } from './authenticate';
import { deleteAccount } from './delete-account';

export function identityRoutes(app: FastifyInstance, service: Service): void {
	const api = app.withTypeProvider<ZodTypeProvider>();

	api.post(
		'/api/devices',
		{
			schema: { body: registerDeviceRequestSchema.default({}) },
			config: { registrationLimited: true }
		},
		async (request, reply) =>
			reply.code(201).send(await registerDevice(service, request.body.displayName))
	);

	api.get('/api/me', async (request) =>
		describeCaller(service, await authenticate(service, request, { allowBanned: true }))
	);

	api.patch('/api/me', { schema: { body: updateMeRequestSchema } }, async (request) =>
		setDisplayName(service, await authenticate(service, request), request.body.displayName)
	);

	api.delete('/api/me', { schema: { body: deleteAccountRequestSchema } }, async (request) =>
		deleteAccount(
			service,
			await authenticate(service, request, { allowBanned: true }),
			request.body.confirmDisplayName
		)
	);

	api.post('/api/devices/link-code', async (request, reply) =>
		reply.code(201).send(await createLinkCode(service, await authenticate(service, request)))
	);

	api.post(
		'/api/devices/link',
		{ schema: { body: linkDeviceRequestSchema }, config: { registrationLimited: true } },
		async (request) => linkDevice(service, await authenticate(service, request), request.body.code)
	);

	api.post(
		'/api/admin/claim',
		{ schema: { body: claimAdminRequestSchema }, config: { registrationLimited: true } },
		async (request) =>
			claimAdmin(service, await authenticate(service, request), request.body.adminToken)
	);

	api.put(
		'/api/admin/users/:userId/role',
		{ schema: { params: userIdParamsSchema, body: setRoleRequestSchema } },
		async (request) => {
			await authenticate(service, request, { role: 'admin' });
			await setRole(service, request.params.userId, request.body.role);
			return { userId: request.params.userId, role: request.body.role };
		}
	);
}

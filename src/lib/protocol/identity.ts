// Accounts and devices on the wire: registering a device, who the caller is, display names,
// roles, and linking a device to another account with a one-time code. Browser-safe.
import { z } from 'zod';
import { entityIdSchema } from './trees';

export const roles = ['contributor', 'moderator', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Moderators can do what contributors do, admins what moderators do. */
export function hasRole(actual: Role, needed: Role): boolean {
	return roles.indexOf(actual) >= roles.indexOf(needed);
}

// Control characters and line breaks would let a name forge lines in the moderators' views.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const displayNameSchema = z
	.string()
	.trim()
	.min(1, 'must not be empty')
	.max(40, 'must be at most 40 characters')
	.refine((name) => !controlCharacters.test(name), 'must not contain control characters');

export const registerDeviceRequestSchema = z.object({
	/** Shown on leaderboards; a generated one ("contributor-3f9a") when absent. */
	displayName: displayNameSchema.optional()
});
export type RegisterDeviceRequest = z.infer<typeof registerDeviceRequestSchema>;

/** Everything a device needs to talk to the server; the token is shown once, never again. */
export const registeredDeviceSchema = z.object({
	/** Send as `Authorization: Bearer <token>`. */
	token: z.string(),
	userId: entityIdSchema,
	deviceId: entityIdSchema,
	/** The outbox stream of this device: pushes name it, `seq` counts within it. */
	clientId: entityIdSchema,
	displayName: z.string(),
	role: roleSchema
});
export type RegisteredDevice = z.infer<typeof registeredDeviceSchema>;

export const meSchema = z.object({
	userId: entityIdSchema,
	displayName: z.string(),
	role: roleSchema,
	deviceId: entityIdSchema,
	/** The outbox streams of the calling device. */
	clientIds: z.array(entityIdSchema),
	/** Other devices signed in to the same account. */
	deviceCount: z.number().int().min(1),
	banned: z.boolean()
});
export type Me = z.infer<typeof meSchema>;

export const updateMeRequestSchema = z.object({ displayName: displayNameSchema });
export type UpdateMeRequest = z.infer<typeof updateMeRequestSchema>;

/** Crockford's base32 without look-alikes: easy to read aloud and to type on a phone. */
export const LINK_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LINK_CODE_LENGTH = 10;

export const linkCodeSchema = z
	.string()
	.trim()
	.toUpperCase()
	.transform((code) => code.replace(/[\s-]/g, ''))
	.refine(
		(code) =>
			code.length === LINK_CODE_LENGTH && [...code].every((c) => LINK_CODE_ALPHABET.includes(c)),
		`must be the ${LINK_CODE_LENGTH}-character code shown on the other device`
	);

export const linkCodeResponseSchema = z.object({
	code: z.string(),
	/** Epoch ms; the code works once and only until then. */
	expiresAt: z.number().int()
});
export type LinkCodeResponse = z.infer<typeof linkCodeResponseSchema>;

export const linkDeviceRequestSchema = z.object({ code: linkCodeSchema });
export type LinkDeviceRequest = z.infer<typeof linkDeviceRequestSchema>;

/** The bootstrap secret of the operator (HEARTH_ADMIN_TOKEN) makes the caller an admin. */
export const claimAdminRequestSchema = z.object({
	adminToken: z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters')
});

export const setRoleRequestSchema = z.object({ role: roleSchema });
export type SetRoleRequest = z.infer<typeof setRoleRequestSchema>;

/** The answer to a role change: whose role it is now. */
export const roleChangeSchema = z.object({ userId: entityIdSchema, role: roleSchema });
export type RoleChange = z.infer<typeof roleChangeSchema>;

export const userIdParamsSchema = z.object({ userId: entityIdSchema });

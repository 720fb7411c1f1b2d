// The one error shape every API answer uses, so the app can show a server's complaint without
// knowing which endpoint produced it. Browser-safe: zod only, no I/O.
import { z } from 'zod';

export const apiErrorCodes = [
	'invalid_json',
	'invalid_request',
	'not_found',
	'method_not_allowed',
	'precondition_failed',
	'payload_too_large',
	'unsupported_media_type',
	'range_not_satisfiable',
	'unauthorized',
	'forbidden',
	'conflict',
	'rate_limited',
	'unavailable',
	'internal'
] as const;

export const apiErrorCodeSchema = z.enum(apiErrorCodes);
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

/** One validation problem, located by a readable path such as `body.messages[2].text`. */
export const apiIssueSchema = z.object({
	path: z.string(),
	message: z.string()
});
export type ApiIssue = z.infer<typeof apiIssueSchema>;

export const apiErrorSchema = z.object({
	error: z.object({
		code: apiErrorCodeSchema,
		message: z.string(),
		issues: z.array(apiIssueSchema).optional()
	})
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** A one-line summary naming the first few fields, for logs and for people reading a 4xx. */
export function summariseIssues(issues: readonly ApiIssue[]): string {
	const shown = issues.slice(0, 3).map((issue) => `${issue.path}: ${issue.message}`);
	const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
	return shown.join('; ') + more;
}

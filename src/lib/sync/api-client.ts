// The app's side of the sync server's HTTP API. Every request body is built from the shared
// protocol types and every answer is checked against the shared zod schema, so a server and an
// app of different versions fail with a message naming the field instead of corrupting state.
import type { z } from 'zod';
import { deletedAccountSchema } from '$lib/protocol/donations';
import { apiErrorSchema, type ApiIssue } from '$lib/protocol/errors';
import {
	meSchema,
	registeredDeviceSchema,
	roleChangeSchema,
	type RegisterDeviceRequest,
	type Role
} from '$lib/protocol/identity';
import {
	banResultSchema,
	flaggedResponseSchema,
	messageModerationResultSchema,
	moderatorTreeSchema,
	treeModerationResultSchema,
	trollboardResponseSchema
} from '$lib/protocol/moderation';
import {
	contributionsResponseSchema,
	leaderboardResponseSchema,
	statsResponseSchema,
	type LeaderboardWindowName
} from '$lib/protocol/points';
import {
	leaseResponseSchema,
	pullResponseSchema,
	pushResponseSchema,
	type LeaseRequest,
	type PullRequest,
	type PushRequest
} from '$lib/protocol/sync';

/** The server answered with an error (`{error: {code, message}}`), or with something unreadable. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: readonly ApiIssue[] = [],
		/** From Retry-After on 429 and 503. */
		readonly retryAfterMs: number | null = null
	) {
		super(message);
		this.name = 'ApiError';
	}

	/** Worth retrying later as it is: the server or the network was the problem, not the request. */
	get transient(): boolean {
		return this.status === 429 || this.status >= 500;
	}
}

/** The request never got an answer: offline, DNS, connection reset, CORS. */
export class NetworkError extends Error {
	constructor(cause: unknown) {
		super(`the server could not be reached (${(cause as Error)?.message ?? String(cause)})`);
		this.name = 'NetworkError';
	}
}

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

function retryAfter(response: Response): number | null {
	const value = response.headers.get('retry-after');
	if (value === null) return null;
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined) search.set(key, String(value));
	}
	const text = search.toString();
	return text ? `?${text}` : '';
}

const encode = encodeURIComponent;

export class HearthApi {
	/** The device token; requests go out without one until the device registers. */
	token: string | null = null;

	constructor(
		private readonly fetchFunction: FetchFunction,
		private readonly baseUrl: string = ''
	) {}

	private async request<S extends z.ZodType>(
		method: Method,
		path: string,
		schema: S,
		body?: unknown
	): Promise<z.infer<S>> {
		const headers: Record<string, string> = { accept: 'application/json' };
		if (this.token) headers.authorization = `Bearer ${this.token}`;
		if (body !== undefined) headers['content-type'] = 'application/json';
		let response: Response;
		try {
			response = await this.fetchFunction(this.baseUrl + path, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				cache: 'no-store'
			});
		} catch (error) {
			throw new NetworkError(error);
		}
		let json: unknown;
		try {
			json = await response.json();
		} catch {
			json = undefined;
		}
		if (!response.ok) {
			const parsed = apiErrorSchema.safeParse(json);
			if (parsed.success) {
				const { code, message, issues } = parsed.data.error;
				throw new ApiError(response.status, code, message, issues, retryAfter(response));
			}
			throw new ApiError(
				response.status,
				'unreadable_error',
				`${method} ${path} failed with HTTP ${response.status}`,
				[],
				retryAfter(response)
			);
		}
		const parsed = schema.safeParse(json);
		if (!parsed.success) {
			const [issue] = parsed.error.issues;
			throw new ApiError(
				response.status,
				'invalid_response',
				`${method} ${path} answered in an unexpected shape (${issue.path.join('.') || 'body'}: ${issue.message})`
			);
		}
		return parsed.data;
	}

	registerDevice(request: RegisterDeviceRequest = {}) {
		return this.request('POST', '/api/devices', registeredDeviceSchema, request);
	}

	me() {
		return this.request('GET', '/api/me', meSchema);
	}

	/** Deletes the caller's account and erases what it wrote; `confirmDisplayName` must be its name. */
	deleteAccount(confirmDisplayName: string) {
		return this.request('DELETE', '/api/me', deletedAccountSchema, { confirmDisplayName });
	}

	/** Makes the caller an admin when `adminToken` is the server's HEARTH_ADMIN_TOKEN. */
	claimAdmin(adminToken: string) {
		return this.request('POST', '/api/admin/claim', meSchema, { adminToken });
	}

	/** Admins only: gives the user `userId` a role. */
	setRole(userId: string, role: Role) {
		return this.request('PUT', `/api/admin/users/${encode(userId)}/role`, roleChangeSchema, {
			role
		});
	}

	push(request: PushRequest) {
		return this.request('POST', '/api/sync/push', pushResponseSchema, request);
	}

	pull(request: PullRequest) {
		return this.request('POST', '/api/sync/pull', pullResponseSchema, request);
	}

	lease(request: LeaseRequest) {
		return this.request('POST', '/api/tasks/lease', leaseResponseSchema, request);
	}

	leaderboard(window: LeaderboardWindowName, limit?: number) {
		return this.request(
			'GET',
			`/api/leaderboard${query({ window, limit })}`,
			leaderboardResponseSchema
		);
	}

	stats() {
		return this.request('GET', '/api/me/stats', statsResponseSchema);
	}

	contributions(page: { limit?: number; before?: number } = {}) {
		return this.request('GET', `/api/me/contributions${query(page)}`, contributionsResponseSchema);
	}

	flagged(options: { limit?: number; includeDeleted?: boolean } = {}) {
		return this.request('GET', `/api/moderation/flagged${query(options)}`, flaggedResponseSchema);
	}

	moderatorTree(treeId: string) {
		return this.request('GET', `/api/moderation/trees/${encode(treeId)}`, moderatorTreeSchema);
	}

	setMessageDeleted(messageId: string, deleted: boolean, reason: string) {
		const action = deleted ? 'delete' : 'undelete';
		return this.request(
			'POST',
			`/api/moderation/messages/${encode(messageId)}/${action}`,
			messageModerationResultSchema,
			{ reason }
		);
	}

	setTreeHalted(treeId: string, halted: boolean, reason: string) {
		const action = halted ? 'halt' : 'restart';
		return this.request(
			'POST',
			`/api/moderation/trees/${encode(treeId)}/${action}`,
			treeModerationResultSchema,
			{ reason }
		);
	}

	setBanned(userId: string, banned: boolean, reason: string) {
		const action = banned ? 'ban' : 'unban';
		return this.request(
			'POST',
			`/api/moderation/users/${encode(userId)}/${action}`,
			banResultSchema,
			{ reason }
		);
	}

	trollboard(window: LeaderboardWindowName, limit?: number) {
		return this.request(
			'GET',
			`/api/moderation/trollboard${query({ window, limit })}`,
			trollboardResponseSchema
		);
	}
}

/** A sentence for the status line: what went wrong, without a stack trace. */
export function describeSyncError(error: unknown): string {
	if (error instanceof NetworkError) return 'The server could not be reached.';
	if (error instanceof ApiError) {
		if (error.status === 429) return 'The server asked us to slow down; retrying shortly.';
		if (error.status === 403) return `The server refused: ${error.message}.`;
		return error.message;
	}
	return error instanceof Error ? error.message : String(error);
}

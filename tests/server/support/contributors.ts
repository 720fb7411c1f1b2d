// Contributors for server tests: register devices over the real API and call it with their
// tokens, through `inject` (in process) — the same requests the app sends.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { registeredDeviceSchema, type RegisteredDevice } from '../../../src/lib/protocol/identity';
import {
	leaseResponseSchema,
	pullResponseSchema,
	pushResponseSchema,
	type LeasedTask,
	type Mutation,
	type PullResponse,
	type PushResponse
} from '../../../src/lib/protocol/sync';
import type { SyncOptions } from '../../../sync-server/sync/sync-config';
import type { TaskRequestType } from '../../../src/lib/protocol/tasks';

/** Tree numbers small enough for a handful of contributors to finish trees quickly. */
export const smallTrees = {
	review: { requiredReviews: 2 },
	growth: { maxDepth: 3, maxAssistantReplies: 2, goalTreeSize: 4 },
	ranking: { requiredRankings: 2 },
	lottery: { maxActiveTrees: 5 }
};

/** Limits out of the way of tests that are not about them. */
export const generousLimits: SyncOptions['rateLimit'] = {
	perToken: { capacity: 100_000, perSecond: 100_000 },
	perAddress: { capacity: 100_000, perSecond: 100_000 },
	registrationsPerAddress: { capacity: 100_000, perSecond: 100_000 }
};

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function syncOptions(extra: SyncOptions = {}): SyncOptions {
	return {
		treeManager: smallTrees,
		rateLimit: generousLimits,
		adminToken: ADMIN_TOKEN,
		...extra
	};
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class Contributor {
	private nextSeq = 1;

	constructor(
		readonly app: FastifyInstance,
		readonly device: RegisteredDevice
	) {}

	static async register(app: FastifyInstance, displayName?: string): Promise<Contributor> {
		const res = await app.inject({
			method: 'POST',
			url: '/api/devices',
			payload: displayName ? { displayName } : {}
		});
		expect(res.statusCode, res.body).toBe(201);
		return new Contributor(app, registeredDeviceSchema.parse(res.json()));
	}

	get userId(): string {
		return this.device.userId;
	}

	get clientId(): string {
		return this.device.clientId;
	}

	request(method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse> {
		return this.app.inject({
			method,
			url,
			headers: { authorization: `Bearer ${this.device.token}` },
			...(payload === undefined ? {} : { payload: payload as object })
		});
	}

	/** Sends mutations with the next seqs; returns the response and the mutations sent. */
	async pushNew(
		...entries: { name: string; args: unknown }[]
	): Promise<{ response: PushResponse; sent: Mutation[] }> {
		const sent = entries.map((e) => ({ seq: this.nextSeq++, ...e }));
		return { response: await this.push(sent), sent };
	}

	async push(mutations: Mutation[]): Promise<PushResponse> {
		const res = await this.request('POST', '/api/sync/push', {
			clientId: this.clientId,
			mutations
		});
		expect(res.statusCode, res.body).toBe(200);
		return pushResponseSchema.parse(res.json());
	}

	async pull(cursor: string | null = null): Promise<PullResponse> {
		const res = await this.request('POST', '/api/sync/pull', { clientId: this.clientId, cursor });
		expect(res.statusCode, res.body).toBe(200);
		return pullResponseSchema.parse(res.json());
	}

	/** Pulls every page from the start. */
	async pullAll(): Promise<PullResponse> {
		let page = await this.pull(null);
		const messages = [...page.messages];
		while (page.more) {
			page = await this.pull(page.cursor);
			messages.push(...page.messages);
		}
		return { ...page, messages };
	}

	async lease(count: number, type: TaskRequestType = 'random', lang = 'en'): Promise<LeasedTask[]> {
		const res = await this.request('POST', '/api/tasks/lease', {
			clientId: this.clientId,
			count,
			lang,
			type
		});
		expect(res.statusCode, res.body).toBe(200);
		return leaseResponseSchema.parse(res.json()).tasks;
	}

	/** Makes this contributor an admin with the test's HEARTH_ADMIN_TOKEN. */
	async claimAdmin(): Promise<void> {
		const res = await this.request('POST', '/api/admin/claim', { adminToken: ADMIN_TOKEN });
		expect(res.statusCode, res.body).toBe(200);
	}

	/** The next seq this contributor will push (for tests that resend by hand). */
	get seq(): number {
		return this.nextSeq;
	}
}

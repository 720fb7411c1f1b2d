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
import type { ServiceOptions } from '../../../sync-server/service/service-config';
import type { Task, TaskRequestType } from '../../../src/lib/protocol/tasks';
import { labelDescriptions } from '../../../src/lib/protocol/labels';

/** Tree numbers small enough for a handful of contributors to finish trees quickly. */
export const smallTrees = {
	review: { requiredReviews: 2 },
	growth: { maxDepth: 3, maxAssistantReplies: 2, goalTreeSize: 4 },
	ranking: { requiredRankings: 2 },
	lottery: { maxActiveTrees: 5 }
};

/** Limits out of the way of tests that are not about them. */
export const generousLimits: ServiceOptions['rateLimit'] = {
	perToken: { capacity: 100_000, perSecond: 100_000 },
	perAddress: { capacity: 100_000, perSecond: 100_000 },
	registrationsPerAddress: { capacity: 100_000, perSecond: 100_000 }
};

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function serviceOptions(extra: ServiceOptions = {}): ServiceOptions {
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

/**
 * A plain, deterministic answer to any task: a reply signed by its writer, labels that find no
 * fault (quality 0.75), rankings in alphabetical order of the replies' texts — so every ranker
 * agrees with every other and with the consensus.
 */
export function answerTask(task: Task, writer: string, n: number): { name: string; args: unknown } {
	const submit = (args: unknown) => ({ name: 'submit_task_result', args });
	switch (task.type) {
		case 'initial_prompt':
		case 'prompter_reply':
		case 'assistant_reply':
			return submit({
				type: task.type,
				taskId: task.id,
				text: `${task.type} ${n} by ${writer}`,
				lang: task.lang
			});
		case 'sample_assistant_replies':
			return submit({
				type: task.type,
				taskId: task.id,
				lang: task.lang,
				replies: Array.from({ length: task.k }, (_, i) => ({
					text: `sample ${n}.${i} chosen by ${writer}`,
					modelName: 'test-model@1'
				}))
			});
		case 'rank_prompter_replies':
		case 'rank_assistant_replies':
			return submit({
				type: task.type,
				taskId: task.id,
				ranking: [...task.replies].sort((a, b) => (a.text < b.text ? -1 : 1)).map((r) => r.id)
			});
		default: {
			const labels: Record<string, number> = {};
			for (const name of task.validLabels) {
				labels[name] = labelDescriptions[name].widget === 'likert' ? 0.75 : 0;
			}
			return submit({
				type: task.type,
				taskId: task.id,
				messageId: task.messageId,
				form: task.form,
				labels
			});
		}
	}
}

/**
 * Contributors take turns leasing a few random tasks and pushing answers to them, until
 * `done()` says so; fails when a whole round hands out no work.
 */
export async function workUntil(
	crowd: readonly Contributor[],
	done: () => Promise<boolean>,
	{
		batch = 3,
		maxRounds = 100,
		beforeEachTurn = () => {}
	}: { batch?: number; maxRounds?: number; beforeEachTurn?: () => void } = {}
): Promise<void> {
	let n = 0;
	for (let round = 0; round < maxRounds; round++) {
		if (await done()) return;
		let handedOut = 0;
		for (const member of crowd) {
			beforeEachTurn();
			const tasks = await member.lease(batch);
			handedOut += tasks.length;
			if (tasks.length > 0) {
				await member.pushNew(
					...tasks.map((t) => answerTask(t.task, member.device.displayName, n++))
				);
			}
		}
		if (handedOut === 0 && !(await done())) throw new Error('the crowd ran out of work');
	}
	throw new Error(`not done after ${maxRounds} rounds`);
}

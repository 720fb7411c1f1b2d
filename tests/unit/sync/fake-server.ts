// A stand-in for the sync server's protocol, small enough to read: it keeps lastSeq and a log
// per client, refuses gaps with 409, answers replays from the log, and counts what it applied,
// so tests can check "exactly once". Requests are validated with the protocol's schemas.
import { registerDeviceRequestSchema } from '$lib/protocol/identity';
import {
	leaseRequestSchema,
	mutationArgsSchemas,
	isMutationName,
	pullRequestSchema,
	pushRequestSchema,
	type LeasedTask,
	type MutationOutcome,
	type OwnMessage,
	type PullResponse
} from '$lib/protocol/sync';
import type { FetchFunction } from '$lib/sync/api-client';

interface Client {
	token: string;
	lastSeq: number;
	log: Map<number, MutationOutcome>;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});
}

function error(
	status: number,
	code: string,
	message: string,
	headers: Record<string, string> = {}
): Response {
	return json(status, { error: { code, message } }, headers);
}

export class FakeSyncServer {
	clients = new Map<string, Client>();
	/** Every mutation applied, in order: what "exactly once" is checked against. */
	applied: { clientId: string; seq: number; name: string; args: unknown }[] = [];
	registrations = 0;
	pushes = 0;
	leases: LeasedTask[] = [];
	/** Handed out by the next lease request. */
	available: LeasedTask[] = [];
	/** Open leases a client may hold, as the server's cap: a lease beyond it is refused (409). */
	leaseCap = Number.POSITIVE_INFINITY;
	messages: OwnMessage[] = [];
	/** A mutation whose args carry this text is rejected (a refusal by the tree rules). */
	rejectText = 'REJECT ME';
	/** Requests made, by path, and when (`Date.now()`, which tests may fake). */
	calls: string[] = [];
	callTimes: number[] = [];
	pullCursors: (string | null)[] = [];
	/** Set to make the next request fail before reaching the server. */
	offline = false;
	/** Set to apply the next push but lose its response on the way back. */
	loseNextPushResponse = false;
	/** When set, every authenticated request gets this answer (a ban, an outage). */
	refuseWith: { status: number; code: string; message: string; retryAfterS?: number } | null = null;
	/** Runs before a pull is answered: something the user does while the pull is in flight. */
	onPull: (() => Promise<void>) | null = null;

	readonly fetch: FetchFunction = async (input, init) => {
		const path = new URL(input, 'http://hearth.test').pathname;
		this.calls.push(path);
		this.callTimes.push(Date.now());
		if (this.offline) throw new TypeError('Failed to fetch');
		const body = init.body ? JSON.parse(init.body as string) : undefined;
		if (path === '/api/devices') return this.#register(body);
		const token = /^Bearer (.+)$/.exec(
			(init.headers as Record<string, string>).authorization ?? ''
		)?.[1];
		const clientId = [...this.clients].find(([, c]) => c.token === token)?.[0];
		if (!clientId) return error(401, 'unauthorized', 'the device token is unknown or was revoked');
		const client = this.clients.get(clientId)!;
		if (this.refuseWith) {
			const { status, code, message, retryAfterS } = this.refuseWith;
			const headers: Record<string, string> =
				retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) };
			return error(status, code, message, headers);
		}
		switch (path) {
			case '/api/sync/push':
				return this.#push(client, clientId, body);
			case '/api/sync/pull':
				if (this.onPull) await this.onPull();
				return this.#pull(client, body);
			case '/api/tasks/lease':
				return this.#lease(body);
			default:
				return error(404, 'not_found', `nothing at ${path}`);
		}
	};

	/** Forgets every device, as a server whose database was reset. */
	reset(): void {
		this.clients.clear();
	}

	#register(body: unknown): Response {
		registerDeviceRequestSchema.parse(body);
		this.registrations++;
		const n = this.registrations;
		const clientId = `client-${n}`;
		this.clients.set(clientId, { token: `token-${n}`, lastSeq: 0, log: new Map() });
		return json(201, {
			token: `token-${n}`,
			userId: `user-${n}`,
			deviceId: `device-${n}`,
			clientId,
			displayName: `contributor-${n}`,
			role: 'contributor'
		});
	}

	#push(client: Client, clientId: string, body: unknown): Response {
		const parsed = pushRequestSchema.safeParse(body);
		if (!parsed.success) return error(422, 'invalid_request', parsed.error.message);
		if (parsed.data.clientId !== clientId) return error(403, 'forbidden', 'not your client');
		this.pushes++;
		const { mutations } = parsed.data;
		if (mutations[0].seq > client.lastSeq + 1) {
			return error(409, 'conflict', `seq gap: next is ${client.lastSeq + 1}`);
		}
		const results: MutationOutcome[] = [];
		for (const m of mutations) {
			if (m.seq <= client.lastSeq) {
				results.push(client.log.get(m.seq)!);
				continue;
			}
			let outcome: MutationOutcome;
			const args = isMutationName(m.name) && mutationArgsSchemas[m.name].safeParse(m.args);
			if (!args || !args.success) {
				outcome = { seq: m.seq, status: 'rejected', code: 'invalid_args', message: 'bad args' };
			} else if (JSON.stringify(m.args).includes(this.rejectText)) {
				outcome = {
					seq: m.seq,
					status: 'rejected',
					code: 'tree_closed',
					message: 'the conversation stopped taking replies'
				};
			} else {
				this.applied.push({ clientId, seq: m.seq, name: m.name, args: m.args });
				const taskId = (m.args as { taskId?: string }).taskId;
				this.leases = this.leases.filter((l) => l.task.id !== taskId);
				outcome = { seq: m.seq, status: 'applied', result: { messageId: `msg-${m.seq}` } };
			}
			client.log.set(m.seq, outcome);
			client.lastSeq = m.seq;
			results.push(outcome);
		}
		if (this.loseNextPushResponse) {
			this.loseNextPushResponse = false;
			throw new TypeError('network connection lost');
		}
		return json(200, { lastSeq: client.lastSeq, results });
	}

	#pull(client: Client, body: unknown): Response {
		const request = pullRequestSchema.parse(body);
		this.pullCursors.push(request.cursor);
		const from = request.cursor === null ? 0 : Number(request.cursor);
		const page = this.messages.slice(from, from + 2);
		const response: PullResponse = {
			lastSeq: client.lastSeq,
			cursor: String(from + page.length),
			messages: page,
			more: from + page.length < this.messages.length,
			leases: this.leases,
			points: { total: 4, day: 4, week: 4, month: 4 },
			user: { displayName: 'contributor', role: 'contributor', banned: false }
		};
		return json(200, response);
	}

	#lease(body: unknown): Response {
		const request = leaseRequestSchema.parse(body);
		const free = Math.min(request.count, this.leaseCap - this.leases.length);
		if (free <= 0) {
			return error(
				409,
				'conflict',
				`you already hold ${this.leases.length} open tasks on this device; finish or hand back some first`
			);
		}
		const tasks = this.available.splice(0, free);
		this.leases.push(...tasks);
		return json(200, { tasks });
	}
}

// Crash safety of the real server process: clients push continuously, the server is killed
// with SIGKILL in the middle of the load and started again on the same database. Every push
// the server acknowledged is still applied, nothing is applied twice, and when the clients
// resend their whole outboxes everything ends up applied exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredDeviceSchema, type RegisteredDevice } from '../../src/lib/protocol/identity';
import { pullResponseSchema, pushResponseSchema, type Mutation } from '../../src/lib/protocol/sync';
import { openDatabase } from '../../sync-server/db/database';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';
import { writeFakeBuild, writeFakeRegistry } from './support/fake-build';

const CLIENTS = 6;
const PER_PUSH = 3;
/** Acknowledged pushes after which the server is killed (others are in flight by then). */
const KILL_AFTER_ACKS = 30;

interface Server {
	process: ChildProcess;
	url: string;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let errors = '';
	child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
	const lines = createInterface({ input: child.stdout! });
	for await (const line of lines) {
		const match = /running at (http:\/\/\S+)/.exec(line);
		if (match) {
			lines.close();
			return { process: child, url: match[1] };
		}
	}
	throw new Error(`the server did not start: ${errors}`);
}

async function post(url: string, token: string | null, body: unknown): Promise<Response> {
	return fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(token ? { authorization: `Bearer ${token}` } : {})
		},
		body: JSON.stringify(body)
	});
}

/** One simulated device: an outbox of prompts, pushed in batches, remembering what was acked. */
class Device {
	readonly outbox: Mutation[] = [];
	acked = 0;

	constructor(
		readonly registered: RegisteredDevice,
		readonly index: number
	) {}

	write(count: number): void {
		for (let i = 0; i < count; i++) {
			const seq = this.outbox.length + 1;
			this.outbox.push({
				seq,
				name: 'create_initial_prompt',
				args: { text: `device ${this.index} prompt ${seq}`, lang: 'en' }
			});
		}
	}

	async push(url: string, mutations: Mutation[]): Promise<number> {
		const res = await post(`${url}api/sync/push`, this.registered.token, {
			clientId: this.registered.clientId,
			mutations
		});
		expect(res.status).toBe(200);
		return pushResponseSchema.parse(await res.json()).lastSeq;
	}
}

describe.each(dialects)('a server killed mid-push on %s', (dialect) => {
	let testDb: TestDatabase;
	let env: NodeJS.ProcessEnv;
	let server: Server | undefined;
	beforeAll(async () => {
		testDb = await createTestDatabase(dialect);
		const database = testDb.config;
		env = {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			HEARTH_STATIC_DIR: writeFakeBuild(),
			HEARTH_REGISTRY_DIR: writeFakeRegistry(),
			HEARTH_LOG_LEVEL: 'warn',
			HEARTH_RATE_TOKEN: '100000/100000',
			HEARTH_RATE_ADDRESS: '100000/100000',
			HEARTH_RATE_REGISTER: '100000/100000',
			// Room for every prompt the load writes.
			HEARTH_TREE_CONFIG: JSON.stringify({
				lottery: { maxInitialPromptReview: 100_000, maxWaiting: 100_000 }
			}),
			...(database.dialect === 'sqlite'
				? { HEARTH_DATA_DIR: dirname(database.file), DATABASE_URL: '' }
				: { DATABASE_URL: database.url })
		};
	});
	afterAll(async () => {
		if (server && server.process.exitCode === null) {
			server.process.kill('SIGTERM');
			await once(server.process, 'exit');
		}
		rmSync(env.HEARTH_STATIC_DIR!, { recursive: true, force: true });
		rmSync(env.HEARTH_REGISTRY_DIR!, { recursive: true, force: true });
		await testDb.drop();
	});

	it('loses no acknowledged mutation and applies none twice', { timeout: 120_000 }, async () => {
		server = await startServer(env);
		const devices: Device[] = [];
		for (let i = 0; i < CLIENTS; i++) {
			const res = await post(`${server.url}api/devices`, null, {});
			devices.push(new Device(registeredDeviceSchema.parse(await res.json()), i));
		}

		// Every device pushes batch after batch until the server dies under it.
		let acks = 0;
		const first = server;
		const killed = new Promise<void>((resolve) => {
			first.process.once('exit', () => resolve());
		});
		const load = devices.map(async (device) => {
			for (;;) {
				device.write(PER_PUSH);
				const batch = device.outbox.slice(device.acked);
				try {
					device.acked = await device.push(first.url, batch);
				} catch (error) {
					// fetch fails with a TypeError when the server is gone; the unacknowledged
					// entries stay in the outbox. Anything else is a real failure.
					if (error instanceof TypeError) return;
					throw error;
				}
				if (++acks === KILL_AFTER_ACKS) first.process.kill('SIGKILL');
			}
		});
		await Promise.all(load);
		await killed;
		expect(first.process.signalCode).toBe('SIGKILL');
		// Every device was cut off with entries written but not acknowledged.
		expect(devices.every((d) => d.outbox.length > d.acked)).toBe(true);

		server = await startServer(env);
		const database = openDatabase(testDb.config);
		try {
			const appliedSeqs = async (device: Device) =>
				(
					await database.db
						.selectFrom('messages')
						.select(['client_seq', 'text'])
						.where('client_id', '=', device.registered.clientId)
						.orderBy('client_seq')
						.execute()
				).map((r) => ({ seq: r.client_seq!, text: r.text }));

			for (const device of devices) {
				const res = await post(`${server.url}api/sync/pull`, device.registered.token, {
					clientId: device.registered.clientId,
					cursor: null
				});
				const { lastSeq } = pullResponseSchema.parse(await res.json());
				// Acknowledged means durable; an unacknowledged push may or may not have committed.
				expect(lastSeq).toBeGreaterThanOrEqual(device.acked);
				expect(lastSeq).toBeLessThanOrEqual(device.outbox.length);
				const applied = await appliedSeqs(device);
				expect(applied.map((a) => a.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));

				// The device comes back and resends its whole outbox.
				expect(await device.push(server.url, device.outbox)).toBe(device.outbox.length);
				const after = await appliedSeqs(device);
				expect(after).toEqual(
					device.outbox.map((m) => ({ seq: m.seq, text: (m.args as { text: string }).text }))
				);
			}
			expect(devices.reduce((sum, d) => sum + d.acked, 0)).toBeGreaterThanOrEqual(
				KILL_AFTER_ACKS * PER_PUSH
			);
		} finally {
			await database.close();
		}
	});
});

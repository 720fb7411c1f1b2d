// Sync server throughput, against the database it runs on, measured in the same run:
//
// 1. Push: C concurrent clients (50 and 200) each push P batches of B mutations (new prompts,
//    each a tree, a message, a history event, points and a change counter) over real HTTP to the
//    real server. Reported: mutations/s, p50/p99 push latency, and the ratio to the raw insert
//    rate of the same database — C concurrent writers each committing P transactions of B plain
//    rows through the same driver and durability settings. On a shared machine wall time waits
//    for the CPU, so the CPU time per mutation (client and server share this process) and its
//    ratio to the raw insert's are printed too.
// 2. Task requests: p50/p99 latency of POST /api/tasks/request with 100, 1,000 and 10,000 trees
//    in the database, and the ratio of 10,000 to 1,000 (both above the per-request sample).
//
//   npx tsx bench/sync-push.ts [--dialect sqlite|postgres|both] [--pushes 10] [--batch 5]
//                              [--clients 50,200] [--trees 10000]
//
// PostgreSQL is a throw-away server started like the server tests start theirs (fsync off).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { registeredDeviceSchema, type RegisteredDevice } from '../src/lib/protocol/identity';
import { buildApp } from '../sync-server/app';
import { DEFAULT_BODY_LIMIT_BYTES } from '../sync-server/config';
import { openDatabase, type DatabaseConfig } from '../sync-server/db/database';
import type { Tables } from '../sync-server/db/schema';
import { migrateToLatest } from '../sync-server/db/migrate';
import type { ServiceOptions } from '../sync-server/service/service-config';
import startPostgres from '../tests/server/postgres.global-setup';

const unlimited = { capacity: 1e9, perSecond: 1e9 };
const rateLimit = {
	perToken: unlimited,
	perAddress: unlimited,
	registrationsPerAddress: unlimited
};
/** The push load writes new prompts: room for all of them. */
const pushOptions = {
	treeManager: { lottery: { maxInitialPromptReview: 1_000_000, maxWaiting: 1_000_000 } },
	rateLimit
};
/** Task requests run with the default tree numbers. */
const requestOptions = { rateLimit };

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startServer(database: DatabaseConfig, service: ServiceOptions) {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
	const app = await buildApp({
		database,
		staticDir: dir,
		registryDir: dir,
		bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
		// The benchmark serves no built app; the warning about that would only be noise.
		logLevel: 'error',
		service
	});
	const url = await app.listen({ port: 0, host: '127.0.0.1' });
	return {
		url,
		async close() {
			await app.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

async function post(url: string, token: string | null, body: unknown): Promise<unknown> {
	const res = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(token ? { authorization: `Bearer ${token}` } : {})
		},
		body: JSON.stringify(body)
	});
	const json = await res.json();
	if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(json)}`);
	return json;
}

async function register(url: string, count: number): Promise<RegisteredDevice[]> {
	const devices: RegisteredDevice[] = [];
	for (let i = 0; i < count; i++) {
		devices.push(registeredDeviceSchema.parse(await post(`${url}/api/devices`, null, {})));
	}
	return devices;
}

interface Rate {
	perSecond: number;
	p50: number;
	p99: number;
	/** CPU time of this process per operation: the cost without waiting for a shared CPU. */
	cpuMs: number;
}

/** Runs `work` and returns its wall time in seconds and its CPU time in milliseconds. */
async function timed(work: () => Promise<void>): Promise<{ seconds: number; cpuMs: number }> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	await work();
	const used = process.cpuUsage(cpu);
	return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

/** C clients, each pushing `pushes` batches of `batch` new prompts one after the other. */
async function pushLoad(
	url: string,
	clients: number,
	pushes: number,
	batch: number
): Promise<Rate> {
	const devices = await register(url, clients);
	const latencies: number[] = [];
	const { seconds, cpuMs } = await timed(async () => {
		await Promise.all(
			devices.map(async (device, c) => {
				for (let p = 0; p < pushes; p++) {
					const mutations = Array.from({ length: batch }, (_, i) => ({
						seq: p * batch + i + 1,
						name: 'create_initial_prompt',
						args: { text: `client ${c} push ${p} prompt ${i}`, lang: 'en' }
					}));
					const t0 = performance.now();
					const res = (await post(`${url}/api/sync/push`, device.token, {
						clientId: device.clientId,
						mutations
					})) as { results: { status: string }[] };
					latencies.push(performance.now() - t0);
					if (res.results.some((r) => r.status !== 'applied')) {
						throw new Error(`a benchmark mutation was rejected: ${JSON.stringify(res.results)}`);
					}
				}
			})
		);
	});
	latencies.sort((a, b) => a - b);
	const mutations = clients * pushes * batch;
	return {
		perSecond: mutations / seconds,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		cpuMs: cpuMs / mutations
	};
}

/** The same shape of work as plain inserts: C writers, P transactions of B rows each. */
async function rawInserts(
	database: DatabaseConfig,
	clients: number,
	pushes: number,
	batch: number
): Promise<Rate> {
	const { db, close } = openDatabase(database);
	try {
		await sql`create table if not exists bench_raw (client text not null, seq bigint not null, payload text not null, created_at bigint not null, primary key (client, seq))`.execute(
			db
		);
		await sql`delete from bench_raw`.execute(db);
		const latencies: number[] = [];
		const { seconds, cpuMs } = await timed(async () => {
			await Promise.all(
				Array.from({ length: clients }, async (_, c) => {
					for (let p = 0; p < pushes; p++) {
						const t0 = performance.now();
						await db.transaction().execute(async (trx) => {
							const rows = Array.from({ length: batch }, (_, i) => ({
								client: String(c),
								seq: p * batch + i + 1,
								payload: `client ${c} push ${p} prompt ${i}`,
								created_at: Date.now()
							}));
							await sql`insert into bench_raw (client, seq, payload, created_at) values ${sql.join(
								rows.map((r) => sql`(${r.client}, ${r.seq}, ${r.payload}, ${r.created_at})`)
							)}`.execute(trx);
						});
						latencies.push(performance.now() - t0);
					}
				})
			);
		});
		latencies.sort((a, b) => a - b);
		await sql`drop table bench_raw`.execute(db);
		const rows = clients * pushes * batch;
		return {
			perSecond: rows / seconds,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			cpuMs: cpuMs / rows
		};
	} finally {
		await close();
	}
}

/**
 * Fills the database with `count` trees: 40 % in prompt review, 40 % growing (an accepted reply
 * and one in review), 20 % waiting for rankings (two accepted replies).
 */
async function seedTrees(database: DatabaseConfig, count: number): Promise<void> {
	const { db, close } = openDatabase(database);
	try {
		await migrateToLatest(db);
		const now = Date.now();
		const authors = Array.from({ length: 50 }, () => randomUUID());
		await db
			.insertInto('users')
			.values(authors.map((id, i) => ({ id, display_name: `author ${i}`, created_at: now })))
			.execute();
		const chunk = 500;
		for (let start = 0; start < count; start += chunk) {
			const trees: Insertable<Tables['trees']>[] = [];
			const messages: Insertable<Tables['messages']>[] = [];
			for (let i = start; i < Math.min(count, start + chunk); i++) {
				const id = randomUUID();
				const kind = i % 10 < 4 ? 'initial_prompt_review' : i % 10 < 8 ? 'growing' : 'ranking';
				const author = (k: number) => authors[(i + k) % authors.length];
				trees.push({
					id,
					lang: 'en',
					state: kind,
					goal_size: 12,
					won_lottery_at: kind === 'initial_prompt_review' ? null : now,
					origin: null,
					created_at: now + i,
					updated_at: now + i
				});
				const message = (
					mid: string,
					parent: string | null,
					role: 'prompter' | 'assistant',
					k: number,
					result: number | null
				) => ({
					id: mid,
					tree_id: id,
					parent_id: parent,
					role,
					author_id: author(k),
					text: `tree ${i} message ${k}`,
					lang: 'en',
					created_at: now + i,
					review_result: result
				});
				messages.push(
					message(id, null, 'prompter', 0, kind === 'initial_prompt_review' ? null : 1)
				);
				if (kind === 'growing') {
					messages.push(message(randomUUID(), id, 'assistant', 1, 1));
					messages.push(message(randomUUID(), id, 'assistant', 2, null));
				} else if (kind === 'ranking') {
					messages.push(message(randomUUID(), id, 'assistant', 1, 1));
					messages.push(message(randomUUID(), id, 'assistant', 2, 1));
				}
			}
			await db.transaction().execute(async (trx) => {
				await trx.insertInto('trees').values(trees).execute();
				// Roots first: replies reference them.
				await trx
					.insertInto('messages')
					.values(messages.filter((m) => m.parent_id === null))
					.execute();
				await trx
					.insertInto('messages')
					.values(messages.filter((m) => m.parent_id !== null))
					.execute();
			});
		}
		// As autovacuum would after a bulk load: fresh planner statistics for the new rows.
		if (database.dialect === 'postgres') await sql`analyze`.execute(db);
	} finally {
		await close();
	}
}

/** Ten contributors each ask for tasks one at a time, twenty times. */
async function taskRequests(url: string): Promise<Rate> {
	const devices = await register(url, 10);
	const latencies: number[] = [];
	const { seconds, cpuMs } = await timed(async () => {
		for (let round = 0; round < 20; round++) {
			for (const device of devices) {
				const t0 = performance.now();
				const { task } = (await post(`${url}/api/tasks/request`, device.token, {
					clientId: device.clientId,
					lang: 'en'
				})) as { task: unknown };
				latencies.push(performance.now() - t0);
				if (task === null) throw new Error('no task for a benchmark request');
			}
		}
	});
	latencies.sort((a, b) => a - b);
	return {
		perSecond: latencies.length / seconds,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		cpuMs: cpuMs / latencies.length
	};
}

interface Databases {
	create(): Promise<DatabaseConfig>;
	close(): Promise<void>;
}

function sqliteDatabases(): Databases {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-sqlite-'));
	let n = 0;
	return {
		create: async () => ({ dialect: 'sqlite', file: join(dir, `bench-${n++}.sqlite`) }),
		close: async () => rmSync(dir, { recursive: true, force: true })
	};
}

async function postgresDatabases(): Promise<Databases> {
	let server = '';
	const teardown = await startPostgres({
		provide: (_key: string, value: string) => (server = value)
	} as unknown as TestProject);
	let n = 0;
	return {
		async create() {
			const name = `hearth_bench_${n++}`;
			const client = new pg.Client({ connectionString: server });
			await client.connect();
			await client.query(`CREATE DATABASE ${name}`);
			await client.end();
			const url = new URL(server);
			url.pathname = `/${name}`;
			return { dialect: 'postgres', url: url.toString() };
		},
		close: async () => {
			if (teardown) await teardown();
		}
	};
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(8);

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			dialect: { type: 'string', default: 'both' },
			pushes: { type: 'string', default: '10' },
			batch: { type: 'string', default: '5' },
			clients: { type: 'string', default: '50,200' },
			trees: { type: 'string', default: '10000' }
		}
	});
	const dialects = values.dialect === 'both' ? ['sqlite', 'postgres'] : [values.dialect!];
	const pushes = Number(values.pushes);
	const batch = Number(values.batch);
	const trees = Number(values.trees);
	for (const dialect of dialects) {
		const databases = dialect === 'sqlite' ? sqliteDatabases() : await postgresDatabases();
		try {
			console.log(`\n== ${dialect}: push of ${pushes} × ${batch} mutations per client`);
			console.log(
				'clients  push mut/s   p50 ms   p99 ms  cpu ms/mut | raw rows/s raw p50 ms cpu ms/row | ratio  cpu ratio'
			);
			for (const clients of values.clients!.split(',').map(Number)) {
				const config = await databases.create();
				const server = await startServer(config, pushOptions);
				const pushed = await pushLoad(server.url, clients, pushes, batch);
				await server.close();
				const raw = await rawInserts(config, clients, pushes, batch);
				console.log(
					`${String(clients).padStart(7)} ${fmt(pushed.perSecond, 0)}   ${fmt(pushed.p50)} ${fmt(pushed.p99)} ${fmt(pushed.cpuMs, 3)}    | ${fmt(raw.perSecond, 0)}  ${fmt(raw.p50)}   ${fmt(raw.cpuMs, 3)}  | ${(pushed.perSecond / raw.perSecond).toFixed(2).padStart(5)}  ${(raw.cpuMs / pushed.cpuMs).toFixed(2).padStart(5)}`
				);
			}

			console.log(`\n== ${dialect}: POST /api/tasks/request, 200 requests`);
			console.log('   trees   req/s   p50 ms   p99 ms  cpu ms/req');
			const byTrees: Rate[] = [];
			const counts = [100, 1000, trees];
			for (const count of counts) {
				const config = await databases.create();
				await seedTrees(config, count);
				const server = await startServer(config, requestOptions);
				const rate = await taskRequests(server.url);
				await server.close();
				byTrees.push(rate);
				console.log(
					`${String(count).padStart(8)} ${fmt(rate.perSecond)} ${fmt(rate.p50)} ${fmt(rate.p99)} ${fmt(rate.cpuMs, 2)}`
				);
			}
			// Past the sample size (candidateTreesPerState per state) the work per request is flat.
			console.log(
				`with ${trees} trees / with 1000 trees: p50 ${(byTrees[2].p50 / byTrees[1].p50).toFixed(2)}, ` +
					`cpu ${(byTrees[2].cpuMs / byTrees[1].cpuMs).toFixed(2)}`
			);
		} finally {
			await databases.close();
		}
	}
}

await main();

// Fuzzing every endpoint with fast-check: random methods, paths, ids, headers, queries and
// bodies (valid shapes bent at random places, arbitrary JSON, broken JSON). The server never
// answers 500, always answers an error as `{error: {code, message}}`, and a refused request
// leaves the database exactly as it was. Pushes whose every mutation is rejected change nothing
// but the push log.
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { mutationNames, pushResponseSchema } from '../../src/lib/protocol/sync';
import { labelNames } from '../../src/lib/protocol/labels';
import { taskTypes, skipReasons, type Task } from '../../src/lib/protocol/tasks';
import { knownToolNames } from '../../src/lib/protocol/tools';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import type { Tables } from '../../sync-server/db/schema';
import { answerTask, Contributor, serviceOptions, workUntil } from './support/contributors';
import { dialects } from './support/databases';
import { dataTables } from './support/trees';
import { createTestApp, type TestApp } from './support/test-app';

/** Marks a body sent as the raw text, not as JSON. */
const RAW = Symbol('raw');

/** Every row of every table, in a stable order, as one comparable value. */
async function snapshot(db: Kysely<Tables>, skip: (keyof Tables)[] = []): Promise<string> {
	const dump: Record<string, unknown[]> = {};
	for (const table of dataTables) {
		if (skip.includes(table)) continue;
		const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
		dump[table] = rows
			.map((row) =>
				table === 'clients' && skip.includes('mutations') ? { ...row, last_seq: 0 } : row
			)
			.map((row) => JSON.stringify(row))
			.sort();
	}
	return JSON.stringify(dump);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Every endpoint, with a valid body or query for it (given the ids of the fuzzed server): the
 * fuzzer sends it as is, bent at one key, or replaced by something else entirely.
 */
function routes(known: { clientId: string }): {
	method: Method;
	path: string;
	valid: Record<string, unknown>;
}[] {
	const reason = { reason: 'fuzzing' };
	const { clientId } = known;
	return [
		{ method: 'POST', path: '/api/devices', valid: { displayName: 'Fuzzy' } },
		{ method: 'GET', path: '/api/me', valid: {} },
		{ method: 'PATCH', path: '/api/me', valid: { displayName: 'Renamed' } },
		// Refused as sent (the name does not match); a bent body must be refused as cleanly.
		{ method: 'DELETE', path: '/api/me', valid: { confirmDisplayName: 'Not my name' } },
		{ method: 'POST', path: '/api/devices/link-code', valid: {} },
		{ method: 'POST', path: '/api/devices/link', valid: { code: 'ABCDEFGHJK' } },
		{ method: 'POST', path: '/api/admin/claim', valid: { adminToken: 'not the token' } },
		{ method: 'PUT', path: '/api/admin/users/:userId/role', valid: { role: 'moderator' } },
		{
			method: 'POST',
			path: '/api/sync/push',
			valid: {
				clientId,
				mutations: [{ seq: 1, name: 'create_initial_prompt', args: { text: 'Hi', lang: 'en' } }]
			}
		},
		{ method: 'POST', path: '/api/sync/pull', valid: { clientId, cursor: null } },
		{ method: 'POST', path: '/api/tasks/lease', valid: { clientId, count: 2, lang: 'en' } },
		{ method: 'POST', path: '/api/tasks/request', valid: { clientId, lang: 'en', type: 'random' } },
		{ method: 'GET', path: '/api/leaderboard', valid: { window: 'week', limit: '10' } },
		{ method: 'GET', path: '/api/me/stats', valid: {} },
		{ method: 'GET', path: '/api/me/contributions', valid: { limit: '5' } },
		{ method: 'GET', path: '/api/moderation/flagged', valid: { includeDeleted: 'true' } },
		{ method: 'GET', path: '/api/moderation/trees/:treeId', valid: {} },
		{ method: 'POST', path: '/api/moderation/messages/:messageId/delete', valid: reason },
		{ method: 'POST', path: '/api/moderation/messages/:messageId/undelete', valid: reason },
		{ method: 'POST', path: '/api/moderation/trees/:treeId/halt', valid: reason },
		{ method: 'POST', path: '/api/moderation/trees/:treeId/restart', valid: reason },
		{ method: 'POST', path: '/api/moderation/users/:userId/ban', valid: reason },
		{ method: 'POST', path: '/api/moderation/users/:userId/unban', valid: reason },
		{ method: 'GET', path: '/api/moderation/trollboard', valid: { window: 'all' } },
		{ method: 'GET', path: '/api/export', valid: { state: 'growing,ranking', format: 'messages' } },
		{ method: 'GET', path: '/api/export/withdrawn', valid: { anonymize: 'seed' } }
	];
}

describe.each(dialects)('fuzzing the API on %s', (dialect) => {
	let t: TestApp;
	let db: HearthDatabase;
	let admin: Contributor;
	let crowd: Contributor[];
	let ids: string[];
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		db = openDatabase(t.config.database);
		admin = await Contributor.register(t.app, 'Admin');
		await admin.claimAdmin();
		crowd = await Promise.all(['Ann', 'Ben', 'Cat'].map((n) => Contributor.register(t.app, n)));
		await crowd[0].pushNew({
			name: 'create_initial_prompt',
			args: { text: 'Fuzz me', lang: 'en' }
		});
		// Some real data for random requests to hit: trees, messages, leases.
		await workUntil(crowd, async () => {
			const n = await db.db
				.selectFrom('messages')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			return Number(n.n) >= 4;
		});
		await crowd[1].lease(3);
		const column = async (table: 'messages' | 'users' | 'leases' | 'clients', name: 'id') =>
			(await db.db.selectFrom(table).select(name).execute()).map((r) => r.id);
		ids = [
			...(await column('messages', 'id')),
			...(await column('users', 'id')),
			...(await column('leases', 'id')),
			...(await column('clients', 'id'))
		];
	}, 120_000);
	afterAll(async () => {
		await db.close();
		await t.close();
	});

	const id = () =>
		fc.oneof(
			// Read when values are drawn: the ids exist only once beforeAll ran.
			fc.nat().map((i) => ids[i % ids.length]),
			fc.string({ maxLength: 70 }),
			fc.uuid(),
			fc.constantFrom('', '..', '%00', 'a/b', '-', 'x'.repeat(65))
		);
	const anyJson = fc.jsonValue({ maxDepth: 3 });
	/** An assistant reply's tool rounds: plausible, bent out of shape (too many, unknown tools), or anything. */
	const toolSteps = () =>
		fc.oneof(
			fc.array(
				fc.record(
					{
						text: fc.string({ maxLength: 20 }),
						calls: fc.array(
							fc.record(
								{
									name: fc.constantFrom(...knownToolNames, 'shell', ''),
									arguments: fc.oneof(
										fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }),
										fc.string({ maxLength: 20 })
									),
									result: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(4001)))
								},
								{ requiredKeys: [] }
							),
							{ maxLength: 5 }
						)
					},
					{ requiredKeys: [] }
				),
				{ maxLength: 5 }
			),
			anyJson
		);
	/** A plausible value for any field name, or something else entirely. */
	const field = () =>
		fc.oneof(
			anyJson,
			id(),
			fc.integer(),
			fc.constantFrom(
				...taskTypes,
				...mutationNames,
				...labelNames,
				...skipReasons,
				'random',
				'en',
				'full',
				'simple'
			),
			fc.array(id(), { maxLength: 4 })
		);
	/** The valid value as is, with one key bent or dropped, or something else entirely. */
	const variant = (valid: Record<string, unknown>) =>
		fc.oneof(
			fc.constant(valid),
			fc
				.tuple(fc.constantFrom(...Object.keys(valid), 'extra'), field(), fc.boolean())
				.map(([key, value, drop]) => {
					const bent: Record<string, unknown> = { ...valid, [key]: value };
					if (drop) delete bent[key];
					return bent;
				}),
			anyJson,
			fc.string({ maxLength: 80 }).map((raw) => ({ [RAW]: raw }))
		);
	const caller = () =>
		fc.oneof(
			fc.constantFrom<'admin' | 'contributor' | 'none'>('admin', 'contributor', 'none'),
			fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`)
		);

	it('never answers 500, always answers errors as JSON, and a refused request changes nothing', async () => {
		const endpoints = routes({ clientId: crowd[2].clientId });
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...endpoints).chain((route) =>
					fc.record({
						route: fc.constant(route),
						input: variant(route.valid),
						params: fc.array(id(), { minLength: 3, maxLength: 3 }),
						who: caller()
					})
				),
				async ({ route, input, params, who }) => {
					const path = route.path
						.replace(':userId', encodeURIComponent(params[0]))
						.replace(':treeId', encodeURIComponent(params[1]))
						.replace(':messageId', encodeURIComponent(params[2]));
					const isGet = route.method === 'GET';
					const raw = input !== null && typeof input === 'object' && RAW in input;
					const query =
						isGet && input !== null && typeof input === 'object' && !raw && !Array.isArray(input)
							? new URLSearchParams(
									Object.entries(input).map(([k, v]) => [
										k,
										typeof v === 'string' ? v : JSON.stringify(v)
									])
								).toString()
							: '';
					const url = query ? `${path}?${query}` : path;
					const authorization =
						who === 'admin'
							? `Bearer ${admin.device.token}`
							: who === 'contributor'
								? `Bearer ${crowd[2].device.token}`
								: who === 'none'
									? undefined
									: who;
					const before = await snapshot(db.db);
					const res = await t.app.inject({
						method: route.method,
						url,
						headers: {
							...(authorization ? { authorization } : {}),
							...(isGet ? {} : { 'content-type': 'application/json' })
						},
						...(isGet
							? {}
							: { payload: raw ? (input as { [RAW]: string })[RAW] : JSON.stringify(input) })
					});
					expect(res.statusCode, `${route.method} ${url} → ${res.body}`).toBeLessThan(500);
					if (res.statusCode >= 400) {
						expect(apiErrorSchema.safeParse(res.json()).success, res.body).toBe(true);
						expect(await snapshot(db.db)).toBe(before);
					}
				}
			),
			{ numRuns: 300 }
		);
	});

	it('applies or rejects every mutation of a valid push, and all-rejected pushes change only the log', async () => {
		const fuzzer = await Contributor.register(t.app, 'Fuzzer');
		let seq = 1;
		const args = fc.oneof(
			anyJson,
			fc.record(
				{
					type: fc.constantFrom(...taskTypes, 'skip'),
					taskId: id(),
					messageId: id(),
					text: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(2100))),
					lang: fc.constantFrom('en', 'de', 'xx-', ''),
					form: fc.constantFrom('full', 'simple', 'medium'),
					labels: fc.dictionary(
						fc.constantFrom(...labelNames, 'bogus'),
						fc.oneof(fc.double(), fc.constantFrom(0, 0.25, 1))
					),
					ranking: fc.array(id(), { maxLength: 4 }),
					notRankable: fc.constantFrom(true, false),
					reason: fc.constantFrom(...skipReasons, 'bored'),
					tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
					toolSteps: toolSteps(),
					// A donated chat's fields (donate_chat, withdraw_donation).
					donationId: id(),
					licence: fc.constantFrom('CC-BY-4.0', 'all-rights-reserved'),
					messages: fc.array(
						fc.record(
							{
								ref: id(),
								parentRef: fc.option(id()),
								role: fc.constantFrom('prompter', 'assistant', 'system'),
								text: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(2100))),
								modelName: fc.option(fc.string({ maxLength: 20 })),
								vote: fc.constantFrom(null, 'up', 'down', 'meh'),
								kept: fc.oneof(fc.boolean(), fc.constant('yes'))
							},
							{ requiredKeys: [] }
						),
						{ maxLength: 4 }
					)
				},
				{ requiredKeys: [] }
			)
		);
		// Answers to tasks the fuzzer really holds, some bent at one field, mixed with noise.
		let held: Task[] = [];
		let n = 0;
		const answer = fc
			.tuple(
				fc.nat(),
				fc.option(
					fc.tuple(
						fc.constantFrom(
							'type',
							'taskId',
							'messageId',
							'text',
							'lang',
							'form',
							'labels',
							'ranking',
							'notRankable'
						),
						field()
					),
					{ nil: undefined }
				),
				fc.option(toolSteps(), { nil: undefined })
			)
			.map(([i, bend, steps]) => {
				if (held.length === 0)
					return { name: 'create_initial_prompt', args: { text: `Prompt ${n++}`, lang: 'en' } };
				const answered = answerTask(held[i % held.length], 'Fuzzer', n++);
				const args = {
					...(answered.args as Record<string, unknown>),
					...(steps === undefined ? {} : { toolSteps: steps })
				};
				return { ...answered, args: bend ? { ...args, [bend[0]]: bend[1] } : args };
			});
		const noise = fc.record({
			name: fc.oneof(fc.constantFrom(...mutationNames), fc.string({ minLength: 1, maxLength: 20 })),
			args
		});
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.oneof(answer, noise), { minLength: 1, maxLength: 4 }),
				async (entries) => {
					// A "__proto__" or "constructor" key makes the server refuse the whole body (400 in
					// json-body.ts) before any mutation is read: a property of its own, tested there.
					fc.pre(!/"(__proto__|constructor)"/.test(JSON.stringify(entries)));
					if ((await fuzzer.pull()).leases.length < 3) await fuzzer.lease(5);
					held = (await fuzzer.pull()).leases.map((l) => l.task);
					const mutations = entries.map((e) => ({ seq: seq++, ...e }));
					const before = await snapshot(db.db, ['mutations']);
					const res = await fuzzer.request('POST', '/api/sync/push', {
						clientId: fuzzer.clientId,
						mutations
					});
					expect(res.statusCode, res.body).toBe(200);
					const pushed = pushResponseSchema.parse(res.json());
					expect(pushed.results.map((r) => r.seq)).toEqual(mutations.map((m) => m.seq));
					expect(pushed.lastSeq).toBe(seq - 1);
					if (pushed.results.every((r) => r.status === 'rejected')) {
						expect(await snapshot(db.db, ['mutations'])).toBe(before);
					}
				}
			),
			{ numRuns: 150 }
		);
	});
});

// Active learning for rankings over HTTP: a trainer token sends its reward model's uncertainty per
// sibling set (PUT /api/trainer/ranking-priorities); the server stores what names a sibling set of
// a tree in `ranking`, lists the rest back per id, replaces the previous priorities whole, and
// hands out ranking tasks for the most uncertain set first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import {
	MAX_RANKING_PRIORITIES,
	rankingPrioritiesResponseSchema
} from '../../src/lib/protocol/ranking-priorities';
import type { RankTask } from '../../src/lib/protocol/tasks';
import { openDatabase } from '../../sync-server/db/database';
import { createService } from '../../sync-server/service/service';
import type { ServiceOptions } from '../../sync-server/service/service-config';
import { siblingSets } from '../../sync-server/tree-manager/growth';
import { loadDemoData } from '../../sync-server/trees/demo-data';
import { loadTrees } from '../../sync-server/trees/tree-store';
import { Contributor, generousLimits, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

const URL = '/api/trainer/ranking-priorities';
// OpenAssistant's numbers, as the demo data is built with them; every pick by priority.
const treeManager: ServiceOptions['treeManager'] = { ranking: { randomShare: 0 } };

interface Fixture {
	/** Sibling sets of the trees in `ranking`, by parent id: their tree and replies' role. */
	sets: Map<string, { treeId: string; role: 'prompter' | 'assistant' }>;
	/** A message of a tree in `ranking` that is not a sibling set's parent. */
	leaf: string;
	/** The parent of a sibling set in a tree past ranking. */
	closed: string;
}

/** A test app with the demo data loaded (trees in every state) and a trainer token. */
async function start(
	dialect: (typeof dialects)[number],
	treeManager: ServiceOptions['treeManager']
): Promise<{ t: TestApp; token: string; fixture: Fixture }> {
	const t = await createTestApp(dialect, {
		overrides: { service: serviceOptions({ treeManager, rateLimit: generousLimits }) }
	});
	const token = await trainerToken(t.config.database, 'gpu-box');
	const database = openDatabase(t.config.database);
	try {
		const service = createService(database, { treeManager });
		await loadDemoData(service);
		const rows = await database.db.selectFrom('trees').select('id').execute();
		const trees = await loadTrees(
			database.db,
			rows.map((r) => r.id),
			service.config.clock()
		);
		const sets: Fixture['sets'] = new Map();
		let leaf = '';
		let closed = '';
		for (const tree of trees) {
			const found = siblingSets(tree, service.config.treeManager);
			if (tree.state === 'ranking') {
				for (const set of found) sets.set(set.parentId, { treeId: tree.id, role: set.role });
				leaf ||= tree.messages.find((m) => !tree.messages.some((c) => c.parentId === m.id))!.id;
			} else if (found.length > 0) {
				closed ||= found[0].parentId;
			}
		}
		expect(sets.size).toBeGreaterThanOrEqual(2);
		expect(leaf).not.toBe('');
		expect(closed).not.toBe('');
		return { t, token, fixture: { sets, leaf, closed } };
	} finally {
		await database.close();
	}
}

describe.each(dialects)('ranking priorities (%s)', (dialect) => {
	let t: TestApp;
	let token: string;
	let fixture: Fixture;

	beforeAll(async () => {
		({ t, token, fixture } = await start(dialect, treeManager));
	});
	afterAll(() => t.close());

	const put = (payload: unknown, bearer: string | null = token) =>
		t.app.inject({
			method: 'PUT',
			url: URL,
			headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` },
			payload: payload as object
		});

	async function stored(): Promise<{ parent_id: string; score: number; trainer: string }[]> {
		const database = openDatabase(t.config.database);
		try {
			const rows = await database.db
				.selectFrom('ranking_priorities')
				.select(['parent_id', 'score', 'trainer'])
				.orderBy('parent_id')
				.execute();
			return rows.map((r) => ({ ...r, score: Number(r.score) }));
		} finally {
			await database.close();
		}
	}

	it('needs a trainer token: 401 without a known token, 403 with a contributor or admin one', async () => {
		const body = { priorities: [] };
		const none = await put(body, null);
		expect(none.statusCode).toBe(401);
		expect(apiErrorSchema.parse(none.json()).error.message).toContain('trainer token');
		const contributor = await Contributor.register(t.app, 'Someone');
		expect((await put(body, contributor.device.token)).statusCode).toBe(403);
		const admin = await Contributor.register(t.app, 'Admin');
		await admin.claimAdmin();
		expect((await put(body, admin.device.token)).statusCode).toBe(403);
		// A token the server does not know authenticates nobody.
		expect((await put(body, 'not-a-token-at-all')).statusCode).toBe(401);
	});

	it('refuses a bad body whole with 422 naming the field, and keeps what it held', async () => {
		const [a, b] = [...fixture.sets.keys()];
		expect((await put({ priorities: [{ parentId: a, score: 1 }] })).statusCode).toBe(200);
		const cases: [unknown, string][] = [
			[{}, 'body.priorities'],
			[{ priorities: [{ parentId: a }] }, 'body.priorities[0].score'],
			[{ priorities: [{ parentId: a, score: 'high' }] }, 'body.priorities[0].score'],
			[{ priorities: [{ parentId: 'no spaces', score: 1 }] }, 'body.priorities[0].parentId'],
			[
				{
					priorities: [
						{ parentId: a, score: 1 },
						{ parentId: b, score: 2 },
						{ parentId: a, score: 3 }
					]
				},
				'body.priorities[2].parentId'
			],
			[{ priorities: [{ parentId: a, score: 1, extra: true }] }, 'body.priorities[0].extra'],
			[{ priorities: [], more: 1 }, 'body.more']
		];
		for (const [body, path] of cases) {
			const res = await put(body);
			expect(res.statusCode, JSON.stringify(body)).toBe(422);
			const { issues } = apiErrorSchema.parse(res.json()).error;
			expect(issues?.map((i) => i.path)).toContain(path);
		}
		const tooMany = Array.from({ length: MAX_RANKING_PRIORITIES + 1 }, (_, i) => ({
			parentId: `m${i}`,
			score: 0
		}));
		const many = await put({ priorities: tooMany });
		expect(many.statusCode).toBe(422);
		expect(apiErrorSchema.parse(many.json()).error.issues?.map((i) => i.path)).toContain(
			'body.priorities'
		);
		const malformed = await t.app.inject({
			method: 'PUT',
			url: URL,
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			payload: '{"priorities": ['
		});
		expect(malformed.statusCode).toBe(400);
		expect(await stored()).toEqual([{ parent_id: a, score: 1, trainer: 'gpu-box' }]);
	});

	it('stores the sibling sets, lists every other id back with its reason, and replaces', async () => {
		const [a, b, ...rest] = [...fixture.sets.keys()];
		const first = await put({
			priorities: [
				{ parentId: a, score: 0.25 },
				{ parentId: 'no-such-message', score: 9 },
				{ parentId: fixture.leaf, score: 9 },
				{ parentId: fixture.closed, score: 9 },
				{ parentId: b, score: -1.5 }
			]
		});
		expect(first.statusCode, first.body).toBe(200);
		const answer = rankingPrioritiesResponseSchema.parse(first.json());
		expect(answer.stored).toBe(2);
		expect(answer.rejected.map((r) => [r.parentId, r.code])).toEqual([
			['no-such-message', 'unknown_message'],
			[fixture.leaf, 'not_a_sibling_set'],
			[fixture.closed, 'not_ranking']
		]);
		const expected = [
			{ parent_id: a, score: 0.25, trainer: 'gpu-box' },
			{ parent_id: b, score: -1.5, trainer: 'gpu-box' }
		].sort((x, y) => (x.parent_id < y.parent_id ? -1 : 1));
		expect(await stored()).toEqual(expected);

		// The same body again: the same table (idempotent).
		const again = await put({
			priorities: [
				{ parentId: a, score: 0.25 },
				{ parentId: b, score: -1.5 }
			]
		});
		expect(again.json()).toEqual({ stored: 2, rejected: [] });
		expect(await stored()).toEqual(expected);

		// Another trainer's scoring replaces the whole list; an empty one clears it.
		const other = await trainerToken(t.config.database, 'other-box');
		const next = rest[0] ?? a;
		expect((await put({ priorities: [{ parentId: next, score: 3 }] }, other)).json()).toEqual({
			stored: 1,
			rejected: []
		});
		expect(await stored()).toEqual([{ parent_id: next, score: 3, trainer: 'other-box' }]);
		expect((await put({ priorities: [] })).json()).toEqual({ stored: 0, rejected: [] });
		expect(await stored()).toEqual([]);
	});

	it('hands out ranking tasks for the highest priority first', async () => {
		const parents = [...fixture.sets.keys()];
		// The last set in id order gets the top score, so it does not win by position.
		const ordered = [...parents].sort().reverse();
		const priorities = ordered.map((parentId, i) => ({ parentId, score: 100 - i }));
		expect((await put({ priorities })).json()).toMatchObject({ stored: parents.length });
		const ranker = await Contributor.register(t.app, 'Ranker');
		const tasks = await ranker.lease(ordered.length, 'rank_assistant_replies');
		const assistantSets = ordered.filter((p) =>
			tasks.some((l) => (l.task as RankTask).parentId === p)
		);
		expect(tasks.length).toBeGreaterThan(0);
		// A batch takes the sets in descending priority.
		expect(tasks.map((l) => (l.task as RankTask).parentId)).toEqual(assistantSets);
		const top = ordered.find((p) => assistantSets.includes(p));
		expect((tasks[0].task as RankTask).parentId).toBe(top);
		await put({ priorities: [] });
	});
});

describe.each(dialects)('ranking priorities beyond the sampled trees (%s)', (dialect) => {
	let t: TestApp;
	let token: string;
	let fixture: Fixture;

	beforeAll(async () => {
		// One tree per state in the random sample: the prioritised set's tree is usually not in it.
		({ t, token, fixture } = await start(dialect, {
			ranking: { randomShare: 0 },
			leases: { candidateTreesPerState: 1 }
		}));
	});
	afterAll(() => t.close());

	it('still serves the top priority: its tree joins the sample', async () => {
		const trees = new Set([...fixture.sets.values()].map((s) => s.treeId));
		expect(trees.size).toBeGreaterThanOrEqual(2);
		for (const [parentId, { role }] of fixture.sets) {
			const put = await t.app.inject({
				method: 'PUT',
				url: URL,
				headers: { authorization: `Bearer ${token}` },
				payload: { priorities: [{ parentId, score: 1 }] }
			});
			expect(put.json()).toEqual({ stored: 1, rejected: [] });
			const ranker = await Contributor.register(t.app);
			const [leased] = await ranker.lease(1, `rank_${role}_replies`);
			expect((leased.task as RankTask).parentId).toBe(parentId);
		}
	});
});

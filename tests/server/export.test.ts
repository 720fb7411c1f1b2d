// oasst export and import: the pipeline's seed conversations go in and come out the same; the
// filters, the flat message format, anonymisation and gzip; a bad file is refused whole with
// `file:line` reasons.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	oasstMessageLineSchema,
	oasstTreeLineSchema,
	type OasstTreeLine,
	type OasstTreeNode
} from '../../src/lib/protocol/export';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import { ImportError, importOasstFile } from '../../sync-server/export/oasst-import';
import { resolveServiceConfig } from '../../sync-server/service/service-config';
import type { Service } from '../../sync-server/service/service';
import { generateTrees, type SeedTree } from '../../training/seed/generate';
import type { OasstMessage } from '../../training/datasets/oasst-tree';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

/** Replies in id order and nulls for absent optional fields, to compare trees field by field. */
function normalised(node: OasstMessage | OasstTreeNode): unknown {
	return {
		message_id: node.message_id,
		parent_id: node.parent_id,
		user_id: node.user_id,
		created_date: node.created_date,
		text: node.text,
		role: node.role,
		lang: node.lang,
		review_count: node.review_count ?? 0,
		review_result: node.review_result ?? null,
		deleted: node.deleted ?? false,
		rank: node.rank ?? null,
		synthetic: node.synthetic ?? false,
		model_name: node.model_name ?? null,
		emojis: node.emojis ?? {},
		labels: node.labels ?? {},
		replies: [...(node.replies ?? [])]
			.sort((a, b) => (a.message_id < b.message_id ? -1 : 1))
			.map(normalised)
	};
}

function allNodes(node: OasstTreeNode): OasstTreeNode[] {
	return [node, ...node.replies.flatMap(allNodes)];
}

/** A small handmade tree with a deleted reply, a rejected one and a synthetic one. */
function handmadeTree(): object {
	const node = (id: string, parent: string | null, role: string, extra: object = {}) => ({
		message_id: id,
		parent_id: parent,
		user_id: `user-${id}`,
		created_date: '2025-02-01T10:00:00.000Z',
		text: `text of ${id}`,
		role,
		lang: 'de',
		review_count: 3,
		review_result: true,
		deleted: false,
		rank: null,
		synthetic: false,
		model_name: null,
		emojis: {},
		labels: { spam: { value: 0, count: 3 } },
		replies: [],
		...extra
	});
	return {
		message_tree_id: 'hand-root',
		tree_state: 'growing',
		prompt: node('hand-root', null, 'prompter', {
			emojis: { red_flag: 1, '+1': 2 },
			replies: [
				node('hand-ok', 'hand-root', 'assistant', {
					replies: [node('hand-deep', 'hand-ok', 'prompter')]
				}),
				node('hand-deleted', 'hand-root', 'assistant', {
					deleted: true,
					replies: [node('hand-below-deleted', 'hand-deleted', 'prompter')]
				}),
				node('hand-spam', 'hand-root', 'assistant', {
					review_result: false,
					labels: { spam: { value: 1, count: 3 } }
				}),
				node('hand-bot', 'hand-root', 'assistant', { synthetic: true, model_name: 'tiny' })
			]
		})
	};
}

describe.each(dialects)('oasst export and import on %s', (dialect) => {
	let t: TestApp;
	let db: HearthDatabase;
	let service: Service;
	let admin: Contributor;
	let dir: string;
	let seeds: SeedTree[];
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		db = openDatabase(t.config.database);
		service = { database: db, config: resolveServiceConfig(serviceOptions()) };
		admin = await Contributor.register(t.app);
		await admin.claimAdmin();
		dir = mkdtempSync(join(tmpdir(), 'hearth-export-'));
		seeds = generateTrees(12, 5);
		writeFileSync(
			join(dir, 'seed.jsonl.gz'),
			gzipSync(seeds.map((s) => JSON.stringify(s)).join('\n'))
		);
		writeFileSync(join(dir, 'hand.jsonl'), `${JSON.stringify(handmadeTree())}\n`);
		expect(await importOasstFile(service, join(dir, 'seed.jsonl.gz'))).toMatchObject({ trees: 12 });
		expect(await importOasstFile(service, join(dir, 'hand.jsonl'))).toMatchObject({
			trees: 1,
			messages: 7
		});
	});
	afterAll(async () => {
		await db.close();
		await t.close();
		rmSync(dir, { recursive: true, force: true });
	});

	async function exportLines(query: string): Promise<unknown[]> {
		const res = await admin.request('GET', `/api/export?${query}`);
		expect(res.statusCode, res.body).toBe(200);
		return res.body
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => JSON.parse(line));
	}

	it('gives back the seed conversations it was given (gzip in), field for field', async () => {
		const trees = (await exportLines('lang=en')).map((line) => oasstTreeLineSchema.parse(line));
		expect(trees.map((tree) => tree.message_tree_id)).toEqual(seeds.map((s) => s.message_tree_id));
		trees.forEach((tree, i) => {
			expect(tree.origin).toBe(seeds[i].origin);
			expect(tree.tree_state).toBe('ready_for_export');
			expect(normalised(tree.prompt as OasstTreeNode)).toEqual(normalised(seeds[i].prompt));
		});
	});

	it('drops deleted, rejected and synthetic messages with their subtrees unless asked', async () => {
		const ids = async (query: string) => {
			const [tree] = (await exportLines(`lang=de&state=growing&${query}`)) as OasstTreeLine[];
			return allNodes(tree.prompt)
				.map((n) => n.message_id)
				.sort();
		};
		expect(await ids('')).toEqual(['hand-bot', 'hand-deep', 'hand-ok', 'hand-root']);
		expect(await ids('deleted=true')).toEqual([
			'hand-below-deleted',
			'hand-bot',
			'hand-deep',
			'hand-deleted',
			'hand-ok',
			'hand-root'
		]);
		expect(await ids('spam=1')).toContain('hand-spam');
		expect(await ids('synthetic=false')).not.toContain('hand-bot');
		// The default state filter is ready_for_export: the growing tree is not in it.
		expect((await exportLines('lang=de')).length).toBe(0);
		// Seeds are all synthetic.
		expect((await exportLines('lang=en&synthetic=false')).length).toBe(0);
		// Emojis come back with the red flags counted on the server.
		const [tree] = (await exportLines('lang=de&state=growing')) as OasstTreeLine[];
		expect(tree.prompt.emojis).toEqual({ '+1': 2, red_flag: 1 });
	});

	it('writes flat message lines, parents first', async () => {
		const lines = (await exportLines('format=messages&lang=de&state=growing&deleted=true')).map(
			(line) => oasstMessageLineSchema.parse(line)
		);
		// Siblings written at the same time come in id order.
		expect(lines.map((l) => l.message_id)).toEqual([
			'hand-root',
			'hand-bot',
			'hand-deleted',
			'hand-below-deleted',
			'hand-ok',
			'hand-deep'
		]);
		expect(new Set(lines.map((l) => l.message_tree_id))).toEqual(new Set(['hand-root']));
		expect(lines.every((l) => l.tree_state === 'growing')).toBe(true);
	});

	it('anonymises ids with a seeded hash, keeping the tree joined up', async () => {
		const plain = (await exportLines('lang=de&state=growing')) as OasstTreeLine[];
		const a = (await exportLines('lang=de&state=growing&anonymize=seed-one')) as OasstTreeLine[];
		const again = (await exportLines(
			'lang=de&state=growing&anonymize=seed-one'
		)) as OasstTreeLine[];
		const b = (await exportLines('lang=de&state=growing&anonymize=seed-two')) as OasstTreeLine[];
		expect(again).toEqual(a);
		const nodes = allNodes(a[0].prompt);
		const ids = JSON.stringify(nodes.map((n) => [n.message_id, n.parent_id, n.user_id]));
		for (const node of allNodes(plain[0].prompt)) {
			expect(ids).not.toContain(node.message_id);
			expect(ids).not.toContain(node.user_id);
		}
		expect(a[0].message_tree_id).toBe(a[0].prompt.message_id);
		for (const node of nodes) {
			for (const reply of node.replies) expect(reply.parent_id).toBe(node.message_id);
			expect(node.message_id).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
			);
		}
		expect(allNodes(b[0].prompt)[0].message_id).not.toBe(nodes[0].message_id);
		// Texts and everything else are untouched.
		expect(nodes.map((n) => n.text)).toEqual(allNodes(plain[0].prompt).map((n) => n.text));
	});

	it('sends gzip when asked', async () => {
		const plain = await admin.request('GET', '/api/export?lang=en');
		const res = await t.app.inject({
			method: 'GET',
			url: '/api/export?lang=en&gzip=true',
			headers: { authorization: `Bearer ${admin.device.token}` }
		});
		expect(res.headers['content-type']).toBe('application/gzip');
		expect(res.headers['content-disposition']).toMatch(/\.jsonl\.gz"$/);
		expect(gunzipSync(res.rawPayload).toString('utf8')).toBe(plain.body);
	});

	it('is for moderators only and names a bad filter', async () => {
		const someone = await Contributor.register(t.app);
		expect((await someone.request('GET', '/api/export')).statusCode).toBe(403);
		const bad = await admin.request('GET', '/api/export?state=done&format=csv');
		expect(bad.statusCode).toBe(422);
		expect(bad.json().error.message).toMatch(/query\.format/);
		expect(bad.json().error.message).toMatch(/query\.state\[0\]/);
	});

	it('refuses a bad file whole, naming each problem with file:line', async () => {
		const renamed = (node: OasstMessage): OasstMessage => ({
			...node,
			message_id: `fresh-${node.message_id}`,
			parent_id: node.parent_id && `fresh-${node.parent_id}`,
			replies: node.replies?.map(renamed)
		});
		const good = JSON.stringify({
			...seeds[0],
			message_tree_id: `fresh-${seeds[0].message_tree_id}`,
			prompt: renamed(seeds[0].prompt)
		});
		const lines = [
			JSON.stringify({
				message_tree_id: 'bad-1',
				prompt: { message_id: 'bad-1', parent_id: null, text: 'hi', role: 'assistant', lang: 'en' }
			}),
			'{"message_tree_id": "broken"',
			JSON.stringify({
				message_tree_id: 'bad-3',
				prompt: {
					message_id: 'bad-3',
					parent_id: null,
					text: 'hi',
					role: 'prompter',
					lang: 'en',
					replies: [{ message_id: 'bad-3a', parent_id: 'elsewhere', text: 'x', role: 'assistant' }]
				}
			}),
			JSON.stringify({ message_tree_id: 'bad-4', prompt: { message_id: 'bad-4' } }),
			JSON.stringify(seeds[1]),
			good
		];
		const file = join(dir, 'bad.jsonl');
		writeFileSync(file, lines.join('\n'));
		const before = await db.db
			.selectFrom('messages')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		const error = await importOasstFile(service, file).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ImportError);
		const problems = (error as ImportError).problems;
		expect(problems).toEqual([
			`${file}:1: message bad-1: role is assistant, expected prompter (the initial prompt)`,
			expect.stringMatching(new RegExp(`^${file}:2: not valid JSON`)),
			`${file}:3: message bad-3a: parent_id is elsewhere, but it is a reply to bad-3`,
			`${file}:4: line.prompt.text: Invalid input: expected string, received undefined`
		]);
		// Line 5 (a tree already on the server) is refused when writing; nothing is written.
		writeFileSync(file, [JSON.stringify(seeds[1]), good].join('\n'));
		const clash = await importOasstFile(service, file).catch((e: unknown) => e);
		expect((clash as ImportError).problems[0]).toMatch(/already on this server/);
		const after = await db.db
			.selectFrom('messages')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
	});

	it('imports flat message lines given in any order', async () => {
		const tree = { ...handmadeTree(), message_tree_id: 'flat-root' } as OasstTreeLine;
		const rename = (node: OasstTreeNode): OasstTreeNode => ({
			...node,
			message_id: node.message_id.replace('hand', 'flat'),
			parent_id: node.parent_id?.replace('hand', 'flat') ?? null,
			replies: node.replies.map(rename)
		});
		const renamed = rename(tree.prompt);
		const flat = allNodes(renamed)
			.reverse()
			.map(({ replies: _replies, ...node }) => ({
				...node,
				message_tree_id: 'flat-root',
				tree_state: 'growing'
			}));
		writeFileSync(join(dir, 'flat.jsonl'), flat.map((l) => JSON.stringify(l)).join('\n'));
		expect(await importOasstFile(service, join(dir, 'flat.jsonl'))).toMatchObject({
			trees: 1,
			messages: 7
		});
		const exported = (await exportLines(
			'lang=de&state=growing&deleted=true&spam=true'
		)) as OasstTreeLine[];
		const flatTree = exported.find((l) => l.message_tree_id === 'flat-root')!;
		expect(normalised(flatTree.prompt)).toEqual(normalised(renamed));
	});
});

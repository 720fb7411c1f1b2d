// The pipeline's export stage against a running server (training/export/take-snapshot.ts): a
// trainer token reads the ready trees through GET /api/export, the snapshot is hashed as it is
// written and counted per source, and a refused request leaves no snapshot behind.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../sync-server/db/database';
import { anonymousId } from '../../sync-server/export/oasst-export';
import { importOasstFile } from '../../sync-server/export/oasst-import';
import { resolveServiceConfig } from '../../sync-server/service/service-config';
import { readSnapshot, takeSnapshot } from '../../training/export/take-snapshot';
import { Contributor, serviceOptions } from './support/contributors';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

let t: TestApp;
let url: string;
let token: string;
let dir: string;

beforeAll(async () => {
	// The export's filters are covered on both dialects by export.test.ts; one is enough here.
	t = await createTestApp('sqlite', { overrides: { service: serviceOptions() } });
	const db = openDatabase(t.config.database);
	try {
		const service = { database: db, config: resolveServiceConfig(serviceOptions()) };
		// Written as OpenAssistant's exporter writes trees; one of the three is ready for export.
		await importOasstFile(service, 'tests/fixtures/oasst/trees.jsonl');
	} finally {
		await db.close();
	}
	token = await trainerToken(t.config.database, 'gpu-box');
	await t.app.listen({ port: 0, host: '127.0.0.1' });
	url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
	dir = mkdtempSync(join(tmpdir(), 'hearth-export-'));
});
afterAll(async () => {
	await t.close();
	rmSync(dir, { recursive: true, force: true });
});

it('takes the ready trees with a trainer token, hashed and counted', async () => {
	const out = join(dir, 'ok');
	const manifest = await takeSnapshot({ server: { url, token }, filters: { lang: 'en' } }, out);
	const text = readFileSync(join(out, 'oasst.jsonl'));
	expect(manifest).toMatchObject({
		source: `${url}/api/export?format=trees&lang=en`,
		withdrawn: 0,
		sha256: createHash('sha256').update(text).digest('hex'),
		bytes: text.length,
		trees: { community: 1 },
		messages: { community: { human: 8, synthetic: 0 } }
	});
	const read = readSnapshot(out);
	expect(read.trees.map((tree) => tree.message_tree_id)).toEqual([
		'6ab24d72-0181-4594-a9cd-deaf170242fb'
	]);
	expect(read.manifest).toEqual(manifest);
});

it('lists what people took back, under the ids of the anonymised export, and the manifest counts it', async () => {
	const donor = await Contributor.register(t.app, 'Donor');
	const donationId = 'snapshot-donation';
	const messages = [
		{
			ref: 'p',
			parentRef: null,
			role: 'prompter',
			text: 'Withdraw me later',
			modelName: null,
			vote: null
		},
		{
			ref: 'a',
			parentRef: 'p',
			role: 'assistant',
			text: 'As you wish',
			modelName: 'hearth-demo@1',
			vote: 'up'
		}
	];
	const { response } = await donor.pushNew({
		name: 'donate_chat',
		args: { donationId, lang: 'en', licence: 'CC-BY-4.0', messages }
	});
	const treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
	await donor.pushNew({ name: 'withdraw_donation', args: { donationId } });

	const out = join(dir, 'withdrawn');
	const manifest = await takeSnapshot(
		{ server: { url, token }, filters: { anonymize: 'seed' } },
		out
	);
	expect(manifest.withdrawn).toBe(2);
	const listed = readFileSync(join(out, 'withdrawn.jsonl'), 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line));
	expect(listed.map((m) => m.message_tree_id)).toEqual(
		Array(2).fill(anonymousId('seed', 'message', treeId))
	);
	expect(listed.map((m) => m.reason)).toEqual(['withdrawn', 'withdrawn']);
	expect(readFileSync(join(out, 'oasst.jsonl'), 'utf8')).not.toContain('Withdraw me later');
});

it('names the server’s reason for a refused token and leaves nothing behind', async () => {
	const out = join(dir, 'refused');
	const error = await takeSnapshot(
		{ server: { url, token: 'not-a-token' }, filters: {} },
		out
	).catch((e: Error) => e);
	expect((error as Error).message).toMatch(
		new RegExp(`^GET ${url}/api/export\\?format=trees: HTTP 401: `)
	);
	expect(readdirSync(out)).toEqual([]);
});

it('passes the server’s refusal of a bad filter on, naming the field', async () => {
	const error = await takeSnapshot(
		{ server: { url, token }, filters: { lang: 'english!' } },
		join(dir, 'bad-filter')
	).catch((e: Error) => e);
	expect((error as Error).message).toContain(
		'HTTP 422: query.lang[0]: must be a BCP 47 language tag such as "en"'
	);
});

it('says so when no tree is ready to learn from', async () => {
	const error = await takeSnapshot(
		{ server: { url, token }, filters: { lang: 'fr' } },
		join(dir, 'empty')
	).catch((e: Error) => e);
	expect((error as Error).message).toBe(
		`${url}/api/export?format=trees&lang=fr: no trees to learn from`
	);
});

// The push/pull protocol's promises (src/lib/protocol/sync.ts), each checked against what the
// database holds afterwards: every accepted mutation applied exactly once, whatever the client
// resends, and devices of one user converging on the same view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { pushResponseSchema, type Mutation } from '../../src/lib/protocol/sync';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const prompt = (text: string) => ({
	name: 'create_initial_prompt',
	args: { text, lang: 'en' }
});

describe.each(dialects)('sync protocol on %s', (dialect) => {
	let t: TestApp;
	let db: HearthDatabase;
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		db = openDatabase(t.config.database);
	});
	afterAll(async () => {
		await db.close();
		await t.close();
	});

	/** Messages the client created, per seq: exactly-once means one per applied seq. */
	async function messagesBySeq(clientId: string): Promise<Map<number, string[]>> {
		const rows = await db.db
			.selectFrom('messages')
			.select(['client_seq', 'text'])
			.where('client_id', '=', clientId)
			.execute();
		const bySeq = new Map<number, string[]>();
		for (const r of rows) bySeq.set(r.client_seq!, [...(bySeq.get(r.client_seq!) ?? []), r.text]);
		return bySeq;
	}

	async function lastSeqOf(clientId: string): Promise<number> {
		const row = await db.db
			.selectFrom('clients')
			.select('last_seq')
			.where('id', '=', clientId)
			.executeTakeFirstOrThrow();
		return row.last_seq;
	}

	it('applies a push once and answers its duplicate from the log', async () => {
		const ann = await Contributor.register(t.app);
		const { response, sent } = await ann.pushNew(
			prompt('What is a tide?'),
			prompt('Why is the sky blue?')
		);
		expect(response.lastSeq).toBe(2);
		expect(response.results.map((r) => r.status)).toEqual(['applied', 'applied']);

		const again = await ann.push(sent);
		expect(again).toEqual(response);
		const bySeq = await messagesBySeq(ann.clientId);
		expect([...bySeq]).toEqual([
			[1, ['What is a tide?']],
			[2, ['Why is the sky blue?']]
		]);
	});

	it('recovers from a lost response: the retry with newer entries applies only the new ones', async () => {
		const ann = await Contributor.register(t.app);
		const first = await ann.pushNew(prompt('Lost response one'), prompt('Lost response two'));
		// The client never saw `first.response`; its outbox still holds seqs 1–2, plus a new 3.
		const third = { seq: 3, ...prompt('Written after the lost response') };
		const retry = await ann.push([...first.sent, third]);
		expect(retry.lastSeq).toBe(3);
		expect(retry.results.slice(0, 2)).toEqual(first.response.results);
		expect(retry.results[2]).toMatchObject({ seq: 3, status: 'applied' });
		expect([...(await messagesBySeq(ann.clientId)).values()].map((v) => v.length)).toEqual([
			1, 1, 1
		]);
	});

	it('refuses a push with a gap in seq without applying anything', async () => {
		const ann = await Contributor.register(t.app);
		await ann.pushNew(prompt('Before the gap'));
		const gap: Mutation[] = [
			{ seq: 3, ...prompt('Seq three') },
			{ seq: 4, ...prompt('Seq four') }
		];
		const res = await ann.request('POST', '/api/sync/push', {
			clientId: ann.clientId,
			mutations: gap
		});
		expect(res.statusCode).toBe(409);
		const { error } = apiErrorSchema.parse(res.json());
		expect(error.code).toBe('conflict');
		expect(error.message).toContain('resend the outbox from seq 2');
		expect(await lastSeqOf(ann.clientId)).toBe(1);
		expect((await messagesBySeq(ann.clientId)).size).toBe(1);

		// Seqs within one push must be consecutive, too.
		const holes = await ann.request('POST', '/api/sync/push', {
			clientId: ann.clientId,
			mutations: [
				{ seq: 2, ...prompt('Two') },
				{ seq: 4, ...prompt('Four') }
			]
		});
		expect(holes.statusCode).toBe(422);
		expect(apiErrorSchema.parse(holes.json()).error.issues?.[0].path).toBe('body.mutations[1].seq');
		expect(await lastSeqOf(ann.clientId)).toBe(1);
	});

	it('rejects a bad mutation in the middle of a batch and applies the rest, in order', async () => {
		const ann = await Contributor.register(t.app);
		const { response } = await ann.pushNew(
			prompt('Good before'),
			{ name: 'create_initial_prompt', args: { text: '', lang: 'en' } },
			{ name: 'teleport', args: {} },
			prompt('x'.repeat(2001)),
			prompt('Good before'),
			{
				name: 'submit_task_result',
				args: { type: 'skip', taskId: 'no-such-task', reason: 'other' }
			},
			prompt('Good after')
		);
		expect(response.lastSeq).toBe(7);
		expect(response.results.map((r) => (r.status === 'applied' ? 'applied' : r.code))).toEqual([
			'applied',
			'invalid_args',
			'unknown_mutation',
			'text_too_long',
			'duplicate_text',
			'lease_not_found',
			'applied'
		]);
		const invalid = response.results[1];
		expect(invalid.status === 'rejected' && invalid.message).toContain('args.text');
		expect([...(await messagesBySeq(ann.clientId)).keys()].sort()).toEqual([1, 7]);
		// Rejections are processed for good: resending changes nothing.
		expect((await ann.pull()).lastSeq).toBe(7);
	});

	it('applies concurrent identical pushes exactly once', async () => {
		const ann = await Contributor.register(t.app);
		const batch: Mutation[] = Array.from({ length: 5 }, (_, i) => ({
			seq: i + 1,
			...prompt(`Concurrent prompt ${i}`)
		}));
		const responses = await Promise.all([ann.push(batch), ann.push(batch), ann.push(batch)]);
		for (const r of responses) expect(r).toEqual(responses[0]);
		const bySeq = await messagesBySeq(ann.clientId);
		expect([...bySeq.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
		expect([...bySeq.values()].every((texts) => texts.length === 1)).toBe(true);
	});

	it('resends after a crash between the local write and the push, from the server lastSeq', async () => {
		const ann = await Contributor.register(t.app);
		await ann.pushNew(prompt('Synced before the crash'));
		// The app wrote seqs 2 and 3 to its outbox, then died before pushing. On restart it pulls
		// to learn lastSeq and pushes everything after it.
		const { lastSeq } = await ann.pull();
		expect(lastSeq).toBe(1);
		const outbox: Mutation[] = [
			{ seq: 1, ...prompt('Synced before the crash') },
			{ seq: 2, ...prompt('Written offline, then crashed') },
			{ seq: 3, ...prompt('Also written offline') }
		];
		const resent = await ann.push(outbox.filter((m) => m.seq > lastSeq));
		expect(resent.lastSeq).toBe(3);
		expect([...(await messagesBySeq(ann.clientId)).keys()].sort()).toEqual([1, 2, 3]);
	});

	it('refuses another device’s client id', async () => {
		const ann = await Contributor.register(t.app);
		const eve = await Contributor.register(t.app);
		const res = await eve.request('POST', '/api/sync/push', {
			clientId: ann.clientId,
			mutations: [{ seq: 1, ...prompt('Not mine') }]
		});
		expect(res.statusCode).toBe(404);
		expect(await lastSeqOf(ann.clientId)).toBe(0);
		const pulled = await eve.request('POST', '/api/sync/pull', {
			clientId: ann.clientId,
			cursor: null
		});
		expect(pulled.statusCode).toBe(404);
	});

	it('lets two devices of one user converge on the same messages and points', async () => {
		const laptop = await Contributor.register(t.app);
		const phone = await Contributor.register(t.app);
		const { code } = (await laptop.request('POST', '/api/devices/link-code')).json() as {
			code: string;
		};
		expect((await phone.request('POST', '/api/devices/link', { code })).statusCode).toBe(200);

		// Each device writes offline with its own seqs, then both sync at once.
		await Promise.all([
			laptop.pushNew(prompt('From the laptop, one'), prompt('From the laptop, two')),
			phone.pushNew(prompt('From the phone'))
		]);
		const [a, b] = [await laptop.pullAll(), await phone.pullAll()];
		const view = (p: typeof a) =>
			p.messages
				.map((m) => ({ id: m.id, text: m.text, status: m.status }))
				.sort((x, y) => (x.id < y.id ? -1 : 1));
		expect(view(a)).toEqual(view(b));
		expect(
			view(a)
				.map((m) => m.text)
				.sort()
		).toEqual(['From the laptop, one', 'From the laptop, two', 'From the phone']);
		expect(a.points).toEqual(b.points);
		expect(a.points.total).toBeCloseTo(0.3);
		// Each device keeps its own outbox position.
		expect([a.lastSeq, b.lastSeq]).toEqual([2, 1]);
		// The same text from the other device within two hours is a duplicate of the same user.
		const dup = await phone.pushNew(prompt('From the laptop, one'));
		expect(dup.response.results[0]).toMatchObject({ status: 'rejected', code: 'duplicate_text' });
	});

	it('pulls only what changed since the cursor', async () => {
		const ann = await Contributor.register(t.app);
		await ann.pushNew(prompt('Cursor one'), prompt('Cursor two'));
		const first = await ann.pull(null);
		// Written in one push, they changed together: same version, in id order.
		const bySeq = [...first.messages].sort((a, b) => a.seq! - b.seq!);
		expect(bySeq.map((m) => m.text)).toEqual(['Cursor one', 'Cursor two']);
		expect(bySeq[0]).toMatchObject({
			type: 'initial_prompt',
			status: 'in_review',
			treeState: 'initial_prompt_review',
			editable: true,
			clientId: ann.clientId,
			seq: 1
		});
		const nothing = await ann.pull(first.cursor);
		expect(nothing.messages).toEqual([]);
		expect(nothing.cursor).toBe(first.cursor);

		await ann.pushNew({
			name: 'edit_message',
			args: { messageId: bySeq[1].id, text: 'Cursor two, edited' }
		});
		const changed = await ann.pull(first.cursor);
		expect(changed.messages.map((m) => m.text)).toEqual(['Cursor two, edited']);
		// A cursor of another account starts from the beginning.
		const eve = await Contributor.register(t.app);
		expect((await eve.pull(first.cursor)).messages).toEqual([]);
	});

	it('validates the envelope and names the field', async () => {
		const ann = await Contributor.register(t.app);
		for (const [payload, path] of [
			[{ mutations: [] }, 'body.clientId'],
			[{ clientId: ann.clientId, mutations: [] }, 'body.mutations'],
			[
				{ clientId: ann.clientId, mutations: [{ seq: 0, name: 'x', args: {} }] },
				'body.mutations[0].seq'
			]
		] as const) {
			const res = await ann.request('POST', '/api/sync/push', payload);
			expect(res.statusCode).toBe(422);
			expect(apiErrorSchema.parse(res.json()).error.issues?.[0].path).toBe(path);
		}
		expect(pushResponseSchema.safeParse({}).success).toBe(false);
	});
});

// Donated chats and taking contributions back, over the real API on SQLite and PostgreSQL: a
// shared chat becomes one tree of synthetic replies in review that the crowd labels and ranks,
// with the donor's thumbs as emoji counts and the replies' tool calls in the export; withdrawing it and deleting an account
// erase the texts from every table, the exports leave them out from then on, and the export of
// withdrawals lists them under the ids earlier exports gave them.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DONATION_LICENCE,
	withdrawnMessageSchema,
	type DonatedMessage
} from '../../src/lib/protocol/donations';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { oasstTreeLineSchema, type OasstNodeInput } from '../../src/lib/protocol/export';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import { openDatabase, type HearthDatabase } from '../../sync-server/db/database';
import type { Tables } from '../../sync-server/db/schema';
import { Contributor, serviceOptions, workUntil } from './support/contributors';
import { dialects } from './support/databases';
import { dataTables, treeState } from './support/trees';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

async function tablesHolding(db: Kysely<Tables>, text: string): Promise<string[]> {
	const found: string[] = [];
	for (const table of dataTables) {
		const rows = await db.selectFrom(table).selectAll().execute();
		if (rows.some((row) => JSON.stringify(row).includes(text))) found.push(table);
	}
	return found;
}

let n = 0;
/**
 * A chat as the app sends it: a prompt, two regenerated replies (thumbs up and down; the person
 * went on with the first, so it is the one kept), a follow-up and its answer.
 */
function chat(marker: string): DonatedMessage[] {
	n++;
	return [
		{
			ref: `p1-${n}`,
			parentRef: null,
			role: 'prompter',
			text: `${marker} asks: what is a hearth?`,
			modelName: null,
			vote: null,
			kept: false
		},
		{
			ref: `a1-${n}`,
			parentRef: `p1-${n}`,
			role: 'assistant',
			text: `${marker} reply: the floor of a fireplace.`,
			modelName: 'hearth-demo@2',
			vote: 'up',
			kept: true
		},
		{
			ref: `a2-${n}`,
			parentRef: `p1-${n}`,
			role: 'assistant',
			text: `${marker} regenerated: a kind of bread.`,
			modelName: 'hearth-demo@2',
			vote: 'down',
			kept: false
		},
		{
			ref: `p2-${n}`,
			parentRef: `a1-${n}`,
			role: 'prompter',
			text: `${marker} follows up: and in a house?`,
			modelName: null,
			vote: null,
			kept: false
		},
		{
			ref: `a3-${n}`,
			parentRef: `p2-${n}`,
			role: 'assistant',
			text: `${marker} answers: its warm centre.`,
			modelName: 'hearth-demo@2',
			vote: null,
			kept: false
		}
	];
}

const donate = (donationId: string, messages: DonatedMessage[]) => ({
	name: 'donate_chat',
	args: { donationId, lang: 'en', licence: DONATION_LICENCE.id, messages }
});

describe.each(dialects)('donated chats and taking them back (%s)', (dialect) => {
	let t: TestApp;
	let database: HearthDatabase;
	let trainer: string;

	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		database = openDatabase(t.config.database);
		trainer = await trainerToken(t.config.database, 'gpu-box');
	});
	afterAll(async () => {
		await database.close();
		await t.close();
	});

	async function exportTrees(query = 'synthetic=true&deleted=true&spam=true') {
		const res = await t.app.inject({
			method: 'GET',
			url: `/api/export?format=trees&${query}`,
			headers: { authorization: `Bearer ${trainer}` }
		});
		expect(res.statusCode, res.body).toBe(200);
		return res.body
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => oasstTreeLineSchema.parse(JSON.parse(line)));
	}

	async function withdrawnList(query = '') {
		const res = await t.app.inject({
			method: 'GET',
			url: `/api/export/withdrawn${query}`,
			headers: { authorization: `Bearer ${trainer}` }
		});
		expect(res.statusCode, res.body).toBe(200);
		return res.body
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => withdrawnMessageSchema.parse(JSON.parse(line)));
	}

	const nodes = (node: OasstNodeInput): OasstNodeInput[] => [
		node,
		...(node.replies ?? []).flatMap(nodes)
	];

	it('holds a donated chat once, as a tree of synthetic replies in review, even when the push is retried', async () => {
		const donor = await Contributor.register(t.app, 'Donor');
		const { response, sent } = await donor.pushNew(donate('donation-one', chat('ALPHA')));
		expect(response.results[0]).toMatchObject({ status: 'applied' });
		const treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		// The same push again (the app lost the answer) is answered from the log.
		expect((await donor.push(sent)).results).toEqual(response.results);
		// A second donation under the same id is refused, naming why.
		const again = await donor.pushNew(donate('donation-one', chat('ALPHA-AGAIN')));
		expect(again.response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'already_donated'
		});

		const trees = await database.db
			.selectFrom('trees')
			.selectAll()
			.where('origin', '=', 'donation')
			.execute();
		expect(trees.map((tree) => [tree.id, tree.state])).toEqual([[treeId, 'initial_prompt_review']]);
		const messages = await database.db
			.selectFrom('messages')
			.selectAll()
			.where('tree_id', '=', treeId)
			.orderBy('created_at')
			.execute();
		expect(messages.map((m) => [m.role, m.synthetic, m.model_name, m.emojis])).toEqual([
			['prompter', 0, null, null],
			['assistant', 1, 'hearth-demo@2', '{"+1":1,"_kept":1}'],
			['assistant', 1, 'hearth-demo@2', '{"-1":1}'],
			['prompter', 0, null, null],
			['assistant', 1, 'hearth-demo@2', null]
		]);
		expect(messages.every((m) => m.author_id === donor.userId)).toBe(true);
		// The donor's pull lists them as their own, in review.
		const pulled = (await donor.pullAll()).messages.filter((m) => m.treeId === treeId);
		expect(pulled.map((m) => m.status)).toEqual(Array(5).fill('in_review'));
	});

	it('keeps the tool calls of a reply, exports them as tool_steps and erases them with it', async () => {
		const donor = await Contributor.register(t.app, 'Calculating');
		const steps: ReplyToolStep[] = [
			{
				text: '',
				calls: [
					{ name: 'calculator', arguments: { expression: '347 * 829' }, result: 'TANGO 287663' }
				]
			}
		];
		const withTools = chat('TANGO').map((m, i) =>
			i === 1 ? { ...m, toolSteps: structuredClone(steps) } : m
		);
		// A call its tool would refuse teaches nothing: the chat is refused, naming the call.
		const refused = await donor.pushNew(
			donate(
				'donation-bad-call',
				withTools.map((m, i) =>
					i === 1
						? {
								...m,
								toolSteps: [
									{
										text: '',
										calls: [{ name: 'weekday', arguments: { date: '2024-02-30' }, result: '' }]
									}
								]
							}
						: m
				)
			)
		);
		expect(refused.response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'invalid_args',
			message: expect.stringContaining(
				'args.messages[1].toolSteps[0].calls[0].arguments.date: no such date'
			)
		});

		const { response } = await donor.pushNew(donate('donation-tools', withTools));
		expect(response.results[0]).toMatchObject({ status: 'applied' });
		const treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		const line = (await exportTrees('synthetic=true&state=initial_prompt_review')).find(
			(tree) => tree.message_tree_id === treeId
		)!;
		const exported = nodes(line.prompt) as (OasstNodeInput & { tool_steps?: unknown })[];
		expect(exported.filter((m) => m.tool_steps).map((m) => [m.text, m.tool_steps])).toEqual([
			[withTools[1].text, steps]
		]);

		const withdrawal = await donor.pushNew({
			name: 'withdraw_donation',
			args: { donationId: 'donation-tools' }
		});
		expect(withdrawal.response.results[0]).toMatchObject({ status: 'applied' });
		expect(await tablesHolding(database.db, 'TANGO 287663')).toEqual([]);
	});

	it('refuses a malformed chat with a reason naming the message, and writes nothing', async () => {
		const donor = await Contributor.register(t.app, 'Careless');
		const good = chat('BROKEN');
		const cases: [DonatedMessage[], string][] = [
			[[good[0], { ...good[1], modelName: null }], 'must name its model'],
			[
				[good[0], { ...good[1], role: 'prompter', modelName: null, vote: null, kept: false }],
				'other role'
			],
			[[good[0], { ...good[1], parentRef: 'elsewhere' }], 'not an earlier message'],
			[[good[0], good[0]], 'repeats the ref'],
			[[{ ...good[0], vote: 'up' }, good[1]], 'no model, no vote']
		];
		const before = await database.db.selectFrom('messages').select('id').execute();
		for (const [messages, reason] of cases) {
			const { response } = await donor.pushNew(
				donate(`bad-${reason.length}-${messages.length}`, messages)
			);
			expect(response.results[0]).toMatchObject({ status: 'rejected', code: 'invalid_args' });
			expect((response.results[0] as { message: string }).message).toContain(reason);
		}
		const unlicensed = await donor.pushNew({
			name: 'donate_chat',
			args: { donationId: 'no-licence', lang: 'en', licence: 'all-rights-reserved', messages: good }
		});
		expect((unlicensed.response.results[0] as { message: string }).message).toContain(
			DONATION_LICENCE.id
		);
		expect(await database.db.selectFrom('messages').select('id').execute()).toHaveLength(
			before.length
		);
	});

	it('goes through the normal review: labelled, ranked, exported with the thumbs as emojis and no points for the model', async () => {
		const donor = await Contributor.register(t.app, 'Generous');
		const { response } = await donor.pushNew(donate('donation-reviewed', chat('BRAVO')));
		const treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		const crowd = await Promise.all(
			['Ann', 'Bo', 'Cy', 'Di'].map((name) => Contributor.register(t.app, name))
		);
		await workUntil(
			crowd,
			async () => (await treeState(database.db, treeId)) === 'ready_for_export'
		);

		const line = (await exportTrees('synthetic=true')).find(
			(tree) => tree.message_tree_id === treeId
		)!;
		expect(line.origin).toBe('donation');
		const exported = nodes(line.prompt).filter((m) => m.text.startsWith('BRAVO'));
		// Siblings come in the crowd's rank order, so compare them by text.
		const byText = (messages: { text: string }[]) =>
			Object.fromEntries(messages.map((m) => [m.text, m]));
		expect(
			byText(exported.map((m) => ({ text: m.text, model: m.model_name ?? null, emojis: m.emojis })))
		).toEqual(
			byText(
				chat('BRAVO').map((m) => ({
					text: m.text,
					model: m.modelName,
					emojis: {
						...(m.vote === null ? {} : { [m.vote === 'up' ? '+1' : '-1']: 1 }),
						...(m.kept ? { _kept: 1 } : {})
					}
				}))
			)
		);
		expect(exported.map((m) => m.synthetic)).toEqual(exported.map((m) => m.role === 'assistant'));
		// The two regenerated replies were ranked by the crowd.
		expect(exported.filter((m) => m.rank !== null && m.rank !== undefined)).toHaveLength(2);
		// An export without synthetic messages leaves the model's replies out, and so their subtrees.
		const plain = (await exportTrees('synthetic=false')).find(
			(tree) => tree.message_tree_id === treeId
		)!;
		expect(nodes(plain.prompt).map((m) => m.role)).toEqual(['prompter']);
		// Accepting the model's replies earns the donor nothing; their own messages earn as usual.
		const awards = await database.db
			.selectFrom('awards')
			.select('message_id')
			.where('user_id', '=', donor.userId)
			.execute();
		const synthetic = await database.db
			.selectFrom('messages')
			.select('id')
			.where('tree_id', '=', treeId)
			.where('synthetic', '=', 1)
			.execute();
		expect(awards.some((a) => synthetic.some((m) => m.id === a.message_id))).toBe(false);
		expect(awards.length).toBeGreaterThan(0);
	});

	it('withdrawing a donation erases its texts everywhere; exports leave it out and list it as withdrawn', async () => {
		const donor = await Contributor.register(t.app, 'Regretful');
		const { response } = await donor.pushNew(donate('donation-withdrawn', chat('CHARLIE')));
		const treeId = (response.results[0] as { result: { messageId: string } }).result.messageId;
		const anonymised = (
			await exportTrees('synthetic=true&anonymize=seed-1&state=initial_prompt_review')
		).map((tree) => tree.message_tree_id);
		expect(await tablesHolding(database.db, 'CHARLIE')).toEqual(
			expect.arrayContaining(['messages', 'mutations'])
		);

		// Someone else cannot take it back.
		const stranger = await Contributor.register(t.app, 'Stranger');
		const stolen = await stranger.pushNew({
			name: 'withdraw_donation',
			args: { donationId: 'donation-withdrawn' }
		});
		expect(stolen.response.results[0]).toMatchObject({
			status: 'rejected',
			code: 'target_missing'
		});

		const withdrawal = await donor.pushNew({
			name: 'withdraw_donation',
			args: { donationId: 'donation-withdrawn' }
		});
		expect(withdrawal.response.results[0]).toMatchObject({ status: 'applied' });
		expect(await tablesHolding(database.db, 'CHARLIE')).toEqual([]);
		// Withdrawing twice changes nothing.
		const twice = await donor.pushNew({
			name: 'withdraw_donation',
			args: { donationId: 'donation-withdrawn' }
		});
		expect(twice.response.results[0]).toMatchObject({ status: 'applied' });

		for (const query of [
			'synthetic=true&deleted=true&spam=true&state=initial_prompt_review,halted_by_moderator',
			''
		]) {
			expect((await exportTrees(query)).some((tree) => tree.message_tree_id === treeId)).toBe(
				false
			);
		}
		const listed = (await withdrawnList()).filter((m) => m.message_tree_id === treeId);
		expect(listed).toHaveLength(5);
		expect(new Set(listed.map((m) => m.reason))).toEqual(new Set(['withdrawn']));
		// Under the ids an anonymised export gave them, so a copy of that export can drop them.
		const anonymousListed = await withdrawnList('?anonymize=seed-1');
		expect(
			anonymised.filter((id) => anonymousListed.some((m) => m.message_tree_id === id))
		).toHaveLength(1);
		// The donor sees their messages deleted.
		const pulled = (await donor.pullAll()).messages.filter((m) => m.treeId === treeId);
		expect(pulled.map((m) => [m.status, m.text])).toEqual(Array(5).fill(['deleted', '']));
	});

	it('deleting an account erases everything it wrote; replies others wrote under it leave the exports, and its token stops working', async () => {
		const leaver = await Contributor.register(t.app, 'Leaver');
		const stayer = await Contributor.register(t.app, 'Stayer');
		const prompt = await leaver.pushNew({
			name: 'create_initial_prompt',
			args: { text: 'DELTA wonders how bread rises overnight', lang: 'en' }
		});
		const treeId = (prompt.response.results[0] as { result: { messageId: string } }).result
			.messageId;
		await leaver.pushNew(donate('donation-of-leaver', chat('ECHO')));
		// The crowd takes the prompt through review and the lottery; the stayer answers it.
		const crowd = await Promise.all(
			['Fay', 'Gus'].map((name) => Contributor.register(t.app, name))
		);
		await workUntil(crowd, async () => (await treeState(database.db, treeId)) === 'growing');
		const reply = (await stayer.lease(20, 'assistant_reply')).find(
			(l) => 'parentId' in l.task && l.task.parentId === treeId
		);
		expect(reply).toBeDefined();
		await stayer.pushNew({
			name: 'submit_task_result',
			args: {
				type: 'assistant_reply',
				taskId: reply!.task.id,
				text: 'FOXTROT: yeast makes gas',
				lang: 'en'
			}
		});

		const mismatch = await leaver.request('DELETE', '/api/me', {
			confirmDisplayName: 'Someone else'
		});
		expect(mismatch.statusCode).toBe(400);
		expect(apiErrorSchema.parse(mismatch.json()).error.message).toContain('"Leaver"');
		expect(await tablesHolding(database.db, 'DELTA')).toContain('messages');

		const deleted = await leaver.request('DELETE', '/api/me', { confirmDisplayName: 'Leaver' });
		expect(deleted.statusCode, deleted.body).toBe(200);
		expect(deleted.json()).toEqual({ erasedMessages: 6, withdrawnDonations: 1 });
		for (const text of ['DELTA', 'ECHO', 'Leaver'])
			expect(await tablesHolding(database.db, text)).toEqual([]);
		expect((await leaver.request('GET', '/api/me')).statusCode).toBe(401);

		// The stayer's reply keeps its text for its author, but answers nothing any more: no export has it.
		const kept = (await stayer.pullAll()).messages.find((m) => m.text.startsWith('FOXTROT'))!;
		expect(kept.status).toBe('deleted');
		const everything = await exportTrees(
			'synthetic=true&deleted=true&spam=true&state=growing,halted_by_moderator,initial_prompt_review'
		);
		expect(JSON.stringify(everything)).not.toContain('FOXTROT');
		expect((await withdrawnList()).filter((m) => m.reason === 'account_deleted')).toHaveLength(6);
		// The reviews the leaver gave stay, nameless.
		const user = await database.db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', leaver.userId)
			.executeTakeFirstOrThrow();
		expect([user.display_name, user.deleted_at !== null]).toEqual(['deleted account', true]);
	});
});

// Moderation through the API: role checks, deleting and restoring subtrees, halting and
// restarting trees (their leases taken back), bans, the flagged queue and the trollboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import {
	banResultSchema,
	flaggedResponseSchema,
	messageModerationResultSchema,
	moderatorTreeSchema,
	trollboardResponseSchema,
	type ModeratorTree
} from '../../src/lib/protocol/moderation';
import { leaderboardResponseSchema } from '../../src/lib/protocol/points';
import type { LabelTask } from '../../src/lib/protocol/tasks';
import { Contributor, serviceOptions, workUntil } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const reason = { reason: 'test' };

describe.each(dialects)('moderation on %s', (dialect) => {
	let t: TestApp;
	let admin: Contributor;
	let mod: Contributor;
	let crowd: Contributor[];
	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		admin = await Contributor.register(t.app, 'Admin');
		await admin.claimAdmin();
		mod = await Contributor.register(t.app, 'Mod');
		await admin.request('PUT', `/api/admin/users/${mod.userId}/role`, { role: 'moderator' });
		crowd = await Promise.all(
			['Ann', 'Ben', 'Cat', 'Dan'].map((n) => Contributor.register(t.app, n))
		);
	});
	afterAll(() => t.close());

	async function tree(treeId: string): Promise<ModeratorTree> {
		const res = await mod.request('GET', `/api/moderation/trees/${treeId}`);
		expect(res.statusCode, res.body).toBe(200);
		return moderatorTreeSchema.parse(res.json());
	}

	async function newPrompt(author: Contributor, text: string): Promise<string> {
		const { response } = await author.pushNew({
			name: 'create_initial_prompt',
			args: { text, lang: 'en' }
		});
		const [r] = response.results;
		if (r.status !== 'applied') throw new Error(`prompt refused: ${r.code}`);
		return r.result.messageId!;
	}

	it('deletes a reply with its subtree and restores it; deleting a prompt halts its tree', async () => {
		const treeId = await newPrompt(crowd[0], 'A prompt that will grow a little');
		// Until some reply has a reply of its own.
		await workUntil(crowd, async () =>
			(await tree(treeId)).messages.some((m) => m.parentId !== null && m.parentId !== treeId)
		);
		const view = await tree(treeId);
		const deep = view.messages.find((m) => m.parentId !== null && m.parentId !== treeId)!;
		const middle = view.messages.find((m) => m.id === deep.parentId)!;

		const denied = await crowd[1].request(
			'POST',
			`/api/moderation/messages/${middle.id}/delete`,
			reason
		);
		expect(denied.statusCode).toBe(403);

		const deleted = messageModerationResultSchema.parse(
			(await mod.request('POST', `/api/moderation/messages/${middle.id}/delete`, reason)).json()
		);
		expect(deleted.messageIds.sort()).toEqual([middle.id, deep.id].sort());
		const after = await tree(treeId);
		expect(
			after.messages
				.filter((m) => m.status === 'deleted')
				.map((m) => m.id)
				.sort()
		).toEqual([middle.id, deep.id].sort());
		// The author sees it on their next pull.
		const author = crowd.find((c) => c.userId === middle.authorId)!;
		const mine = (await author.pullAll()).messages.find((m) => m.id === middle.id);
		expect(mine?.status).toBe('deleted');
		const again = await mod.request('POST', `/api/moderation/messages/${middle.id}/delete`, reason);
		expect(again.statusCode).toBe(409);

		const restored = messageModerationResultSchema.parse(
			(await mod.request('POST', `/api/moderation/messages/${middle.id}/undelete`, reason)).json()
		);
		expect(restored.messageIds.sort()).toEqual([middle.id, deep.id].sort());
		expect((await tree(treeId)).messages.every((m) => m.status !== 'deleted')).toBe(true);

		const noReason = await mod.request('POST', `/api/moderation/messages/${treeId}/delete`, {});
		expect(noReason.statusCode).toBe(422);
		expect(apiErrorSchema.parse(noReason.json()).error.issues?.[0].path).toBe('body.reason');
		// A deleted prompt stops its tree while it is still in review or growing.
		const fresh = await newPrompt(crowd[2], 'A prompt deleted while in review');
		await mod.request('POST', `/api/moderation/messages/${fresh}/delete`, reason);
		const halted = await tree(fresh);
		expect(halted.state).toBe('halted_by_moderator');
		expect(halted.events.at(-1)).toMatchObject({
			to: 'halted_by_moderator',
			reason: 'initial prompt deleted'
		});
	});

	it('halts a tree, taking back its leases, and restarts it where it was', async () => {
		const treeId = await newPrompt(crowd[1], 'A prompt to halt');
		const [reviewer] = crowd.filter((c) => c !== crowd[1]);
		const leased = (await reviewer.lease(10, 'label_initial_prompt')).find(
			(l) => l.task.type === 'label_initial_prompt' && l.task.messageId === treeId
		)!;
		expect(leased).toBeDefined();

		const halted = await mod.request('POST', `/api/moderation/trees/${treeId}/halt`, {
			reason: 'off topic'
		});
		expect(halted.json()).toEqual({ treeId, state: 'halted_by_moderator' });
		expect((await reviewer.pull()).leases.map((l) => l.task.id)).not.toContain(leased.task.id);
		const task = leased.task as LabelTask;
		const late = await reviewer.pushNew({
			name: 'submit_task_result',
			args: {
				type: task.type,
				taskId: task.id,
				messageId: task.messageId,
				form: task.form,
				labels: { spam: 0 }
			}
		});
		expect(late.response.results[0]).toMatchObject({ status: 'rejected', code: 'lease_released' });

		const restarted = await mod.request('POST', `/api/moderation/trees/${treeId}/restart`, reason);
		expect(restarted.json()).toEqual({ treeId, state: 'initial_prompt_review' });
		expect(
			(await mod.request('POST', `/api/moderation/trees/${treeId}/restart`, reason)).statusCode
		).toBe(409);
		const events = (await tree(treeId)).events;
		expect(events.map((e) => [e.to, e.actorId])).toEqual([
			['initial_prompt_review', null],
			['halted_by_moderator', mod.userId],
			['initial_prompt_review', mod.userId]
		]);
	});

	it('bans a user: their tasks are taken back, their waiting prompts halted, their pushes refused', async () => {
		const troll = await Contributor.register(t.app, 'Troll');
		const prompt = await newPrompt(troll, 'A prompt by someone about to be banned');
		const leases = await troll.lease(3);
		expect(leases.length).toBeGreaterThan(0);

		const adminBan = await mod.request('POST', `/api/moderation/users/${admin.userId}/ban`, reason);
		expect(adminBan.statusCode).toBe(403);

		const ban = banResultSchema.parse(
			(
				await mod.request('POST', `/api/moderation/users/${troll.userId}/ban`, { reason: 'spam' })
			).json()
		);
		expect(ban).toEqual({
			userId: troll.userId,
			banned: true,
			releasedLeases: leases.length,
			haltedTrees: [prompt]
		});
		expect((await tree(prompt)).state).toBe('halted_by_moderator');

		const refused = await troll.request('POST', '/api/sync/push', {
			clientId: troll.clientId,
			mutations: [
				{ seq: troll.seq, name: 'create_initial_prompt', args: { text: 'more', lang: 'en' } }
			]
		});
		expect(refused.statusCode).toBe(403);
		const pulled = await troll.pull();
		expect(pulled.user.banned).toBe(true);
		expect(pulled.leases).toEqual([]);
		const board = leaderboardResponseSchema.parse(
			(await mod.request('GET', '/api/leaderboard?window=all')).json()
		);
		expect(board.rows.map((r) => r.userId)).not.toContain(troll.userId);

		await mod.request('POST', `/api/moderation/users/${troll.userId}/unban`, { reason: 'appeal' });
		expect(
			(await troll.pushNew({ name: 'create_initial_prompt', args: { text: 'sorry', lang: 'en' } }))
				.response.results[0].status
		).toBe('applied');
	});

	it('queues flagged messages with the reasons and lists the worst offenders on the trollboard', async () => {
		const spammer = await Contributor.register(t.app, 'Spammer');
		const spam = await newPrompt(spammer, 'BUY NOW, call 555-0100');
		const [a, b] = crowd.filter((c) => c.userId !== spammer.userId);
		await a.pushNew({ name: 'flag_message', args: { messageId: spam, reason: 'advert' } });
		for (const reviewer of [a, b]) {
			const task = (await reviewer.lease(10, 'label_initial_prompt'))
				.map((l) => l.task)
				.find((x): x is LabelTask => x.type === 'label_initial_prompt' && x.messageId === spam)!;
			await reviewer.pushNew({
				name: 'submit_task_result',
				args: {
					type: task.type,
					taskId: task.id,
					messageId: spam,
					form: task.form,
					labels: { spam: 1, pii: 1, lang_mismatch: 0 }
				}
			});
		}
		const queue = flaggedResponseSchema.parse(
			(await mod.request('GET', '/api/moderation/flagged')).json()
		);
		expect(queue.messages[0]).toMatchObject({
			messageId: spam,
			authorName: 'Spammer',
			redFlags: 1,
			flagReasons: ['advert'],
			reviewFlags: { pii: 2 },
			status: 'rejected',
			treeState: 'aborted_low_grade'
		});
		const board = trollboardResponseSchema.parse(
			(await mod.request('GET', '/api/moderation/trollboard?window=day')).json()
		);
		expect(board.rows[0]).toEqual({
			userId: spammer.userId,
			displayName: 'Spammer',
			banned: false,
			redFlags: 1,
			rejected: 1,
			deleted: 0,
			spamLabels: 2,
			flagLabels: 2,
			score: 6
		});
		expect((await crowd[0].request('GET', '/api/moderation/trollboard')).statusCode).toBe(403);
	});
});

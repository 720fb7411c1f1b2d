// Points and boards: a crowd finishes a tree; every contribution's points follow the point
// table from its outcome (written, accepted, ranked n-th, labelled in full or simple form,
// ranked), the totals agree across stats, contributions and the leaderboards, the rolling
// windows move with the clock, streaks reset after 36 idle hours, and agreement is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moderatorTreeSchema } from '../../src/lib/protocol/moderation';
import {
	contributionsResponseSchema,
	leaderboardResponseSchema,
	statsResponseSchema,
	type Contribution,
	type ContributionsResponse
} from '../../src/lib/protocol/points';
import { defaultTreeManagerConfig } from '../../sync-server/tree-manager/config';
import { seededRandom } from '../../src/lib/shared/random';
import { Contributor, serviceOptions, workUntil } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;
const p = defaultTreeManagerConfig.points;

/** The point table applied to a contribution's current outcome. */
function expectedPoints(item: Contribution): number {
	switch (item.kind) {
		case 'message': {
			const [wrote, accepted] = {
				initial_prompt: [p.initialPrompt, p.initialPromptAccepted],
				prompter_reply: [p.prompterReply, p.prompterReplyAccepted],
				assistant_reply: [p.assistantReply, p.assistantReplyAccepted]
			}[item.type];
			const bonus = item.rankPlace === null ? 0 : (p.replyRankedBonus[item.rankPlace - 1] ?? 0);
			return wrote + (item.status === 'accepted' ? accepted : 0) + bonus;
		}
		case 'review':
			return item.form === 'full' ? p.labelFull : p.labelSimple;
		case 'ranking':
			return p.ranking;
	}
}

describe.each(dialects)('points and boards on %s', (dialect) => {
	let t: TestApp;
	let now = Date.parse('2026-05-04T09:00:00Z');
	let admin: Contributor;
	beforeAll(async () => {
		t = await createTestApp(dialect, {
			overrides: { service: serviceOptions({ clock: () => now, random: seededRandom(11) }) }
		});
		admin = await Contributor.register(t.app, 'Admin');
		await admin.claimAdmin();
	});
	afterAll(() => t.close());

	async function get<T>(
		who: Contributor,
		url: string,
		schema: { parse(v: unknown): T }
	): Promise<T> {
		const res = await who.request('GET', url);
		expect(res.statusCode, res.body).toBe(200);
		return schema.parse(res.json());
	}

	async function allContributions(who: Contributor): Promise<Contribution[]> {
		const items: Contribution[] = [];
		let before: number | null = null;
		do {
			const page: ContributionsResponse = await get(
				who,
				`/api/me/contributions?limit=3${before === null ? '' : `&before=${before}`}`,
				contributionsResponseSchema
			);
			items.push(...page.items);
			before = page.nextBefore;
		} while (before !== null);
		return items;
	}

	it('credits every contribution by the point table, consistently everywhere', async () => {
		const crowd = await Promise.all(
			['Ann', 'Ben', 'Cat', 'Dan', 'Eve'].map((name) => Contributor.register(t.app, name))
		);
		const { response } = await crowd[0].pushNew({
			name: 'create_initial_prompt',
			args: { text: 'Teach me about tides', lang: 'en' }
		});
		const treeId =
			response.results[0].status === 'applied' ? response.results[0].result.messageId! : '';
		const tree = async () =>
			moderatorTreeSchema.parse(
				(await admin.request('GET', `/api/moderation/trees/${treeId}`)).json()
			);
		// Contributions are spread over time, so pages and windows have something to cut.
		await workUntil(crowd, async () => (await tree()).state === 'ready_for_export', {
			beforeEachTurn: () => (now += 7 * 60_000)
		});

		const view = await tree();
		const ranked = view.messages.filter((m) => m.rank !== null);
		expect(ranked.length).toBeGreaterThanOrEqual(2);

		let everyone = 0;
		for (const member of crowd) {
			const items = await allContributions(member);
			// Newest first, none twice.
			expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort((a, b) => b - a));
			const keys = items.map((i) => `${i.kind}:${i.kind === 'ranking' ? i.parentId : i.messageId}`);
			expect(new Set(keys).size).toBe(keys.length);
			for (const item of items) expect(item.points).toBeCloseTo(expectedPoints(item), 6);
			const total = items.reduce((sum, i) => sum + i.points, 0);
			const stats = await get(member, '/api/me/stats', statsResponseSchema);
			expect(stats.points.total).toBeCloseTo(total, 6);
			expect(stats.breakdown.reduce((sum, b) => sum + b.points, 0)).toBeCloseTo(total, 6);
			expect(stats.counts.labels).toBe(items.filter((i) => i.kind === 'review').length);
			expect(stats.counts.rankings).toBe(items.filter((i) => i.kind === 'ranking').length);
			// Everyone ranks alphabetically, so everyone agrees with the consensus of every scored
			// set (the crowd also started other trees, still being ranked).
			const scored = items.filter((i) => i.kind === 'ranking' && i.tau !== null).length;
			expect(stats.agreement.ranking).toEqual(scored > 0 ? { meanTau: 1, rankings: scored } : null);
			if (stats.agreement.labels) expect(stats.agreement.labels.agreement).toBe(1);
			everyone += total;
		}
		// The author of the best reply got the first-place bonus.
		const best = view.messages.find((m) => m.rank === 0 && m.role === 'assistant')!;
		const bestAuthor = crowd.find((c) => c.userId === best.authorId)!;
		const bestItem = (await allContributions(bestAuthor)).find(
			(i) => i.kind === 'message' && i.messageId === best.id
		);
		expect(bestItem).toMatchObject({
			rankPlace: 1,
			points: p.assistantReply + p.assistantReplyAccepted + 9
		});

		const board = await get(
			admin,
			'/api/leaderboard?window=all&limit=500',
			leaderboardResponseSchema
		);
		const crowdRows = board.rows.filter((r) => crowd.some((c) => c.userId === r.userId));
		expect(crowdRows.reduce((sum, r) => sum + r.points, 0)).toBeCloseTo(everyone, 6);
		expect(crowdRows.map((r) => r.displayName).sort()).toEqual(['Ann', 'Ben', 'Cat', 'Dan', 'Eve']);
		for (let i = 1; i < board.rows.length; i++) {
			const [a, b] = [board.rows[i - 1], board.rows[i]];
			expect(b.points).toBeLessThanOrEqual(a.points);
			expect(b.rank).toBe(b.points === a.points ? a.rank : i + 1);
		}
		const mine = await get(
			crowd[0],
			'/api/leaderboard?window=all&limit=1',
			leaderboardResponseSchema
		);
		expect(mine.me?.userId).toBe(crowd[0].userId);

		// Two days later the day board is empty and the week board still has everyone.
		now += 48 * HOUR;
		const day = await get(crowd[0], '/api/leaderboard?window=day', leaderboardResponseSchema);
		expect(day).toEqual({ window: 'day', rows: [], me: null });
		const week = await get(crowd[0], '/api/leaderboard?window=week', leaderboardResponseSchema);
		expect(week.rows.length).toBe(board.rows.length);
		const stats = await get(crowd[0], '/api/me/stats', statsResponseSchema);
		expect(stats.points.day).toBe(0);
		expect(stats.ranks.day).toBeNull();
		expect(stats.ranks.week).not.toBeNull();
	});

	it('keeps a streak while the gaps stay under 36 hours', async () => {
		const kim = await Contributor.register(t.app, 'Kim');
		const write = (text: string) =>
			kim.pushNew({ name: 'create_initial_prompt', args: { text, lang: 'en' } });
		const streak = async () => (await get(kim, '/api/me/stats', statsResponseSchema)).streak;
		const start = now;
		await write('Day one');
		expect(await streak()).toMatchObject({ days: 1, startedAt: start });
		now += 30 * HOUR;
		await write('Day two, late');
		now += 30 * HOUR;
		await write('Day three, later');
		expect(await streak()).toEqual({ days: 3, startedAt: start, lastActiveAt: now });
		now += 37 * HOUR;
		expect(await streak()).toBeNull();
	});

	it('pages contributions on timestamp boundaries, never splitting a timestamp', async () => {
		const lea = await Contributor.register(t.app, 'Lea');
		const at = now;
		// Five prompts in one push share a timestamp; two more come later.
		await lea.pushNew(
			...['a', 'b', 'c', 'd', 'e'].map((x) => ({
				name: 'create_initial_prompt',
				args: { text: `Same time ${x}`, lang: 'en' }
			}))
		);
		now += 1000;
		await lea.pushNew({ name: 'create_initial_prompt', args: { text: 'Later one', lang: 'en' } });
		now += 1000;
		await lea.pushNew({ name: 'create_initial_prompt', args: { text: 'Later two', lang: 'en' } });
		const first = await get(lea, '/api/me/contributions?limit=3', contributionsResponseSchema);
		expect(first.items.map((i) => (i.kind === 'message' ? i.text : ''))).toEqual([
			'Later two',
			'Later one'
		]);
		expect(first.nextBefore).toBe(at + 1000);
		const second = await get(
			lea,
			`/api/me/contributions?limit=3&before=${first.nextBefore}`,
			contributionsResponseSchema
		);
		expect(second.items).toHaveLength(5);
		expect(second.items.every((i) => i.at === at)).toBe(true);
		expect(second.nextBefore).toBeNull();
		expect(second.items[0]).toMatchObject({
			kind: 'message',
			status: 'in_review',
			treeState: 'initial_prompt_review',
			points: p.initialPrompt
		});
	});
});

// A scripted crowd takes one tree from its initial prompt to ready_for_export using only the
// tree manager's functions, doing what the sync server does for each piece of work: choose a
// task, build it, check the submission, store it, settle the tree.
import { describe, expect, it } from 'vitest';
import {
	labelSubmissionSchema,
	rankSubmissionSchema,
	taskSchema,
	textSubmissionSchema,
	type Task
} from '../../../src/lib/protocol/tasks';
import type { TreeState } from '../../../src/lib/protocol/trees';
import { buildTask, chooseLabelForm } from '../../../sync-server/tree-manager/build-task';
import { defaultTreeManagerConfig as config } from '../../../sync-server/tree-manager/config';
import { depthOf } from '../../../sync-server/tree-manager/snapshot';
import { drawLottery } from '../../../sync-server/tree-manager/lottery';
import { awardsForChanges, type Award } from '../../../sync-server/tree-manager/points';
import { seededRandom } from '../../../src/lib/shared/random';
import {
	newTree,
	settleTree,
	winLottery,
	type Settlement
} from '../../../sync-server/tree-manager/state-machine';
import {
	checkLabels,
	checkRanking,
	checkReply,
	checkText
} from '../../../sync-server/tree-manager/submissions';
import { chooseTaskBatch } from '../../../sync-server/tree-manager/task-choice';
import type { TreeSnapshot } from '../../../sync-server/tree-manager/snapshot';

const crowd = ['ann', 'ben', 'cat', 'dan', 'eve', 'fox', 'gus', 'spammer'];
// Everyone labels the spammer's messages as spam; the consensus prefers the earlier-alphabet author.
const isSpam = (authorId: string) => authorId === 'spammer';

function expectOk<T extends { ok: boolean }>(verdict: T): asserts verdict is T & { ok: true } {
	expect(verdict).toMatchObject({ ok: true });
}

describe('a tree from prompt to export', () => {
	it('passes through every state in order, within the growth limits', () => {
		const random = seededRandom(42);
		const states: TreeState[] = [];
		const awards: Award[] = [];
		let t: TreeSnapshot = newTree(
			{ id: 'prompt', authorId: 'ann', text: 'Explain tides.', lang: 'en', createdAt: 0 },
			config
		);
		let clock = 1;
		let nextId = 0;
		const record = (s: Settlement) => {
			awards.push(...awardsForChanges(s.tree, s.changes, config));
			for (const c of s.changes) if (c.kind === 'state') states.push(c.to);
			t = s.tree;
		};
		states.push(t.state);
		record(settleTree(t, config));

		const perform = (task: Task, userId: string) => {
			clock += 1000;
			switch (task.type) {
				case 'prompter_reply':
				case 'assistant_reply': {
					const text = `${task.type} by ${userId} to ${task.parentId}`;
					expect(
						textSubmissionSchema.safeParse({ type: task.type, taskId: task.id, text, lang: 'en' })
							.success
					).toBe(true);
					expectOk(checkText(text, [], clock, config));
					const verdict = checkReply(
						t,
						{ type: task.type, parentId: task.parentId, authorId: userId },
						config
					);
					expectOk(verdict);
					expect(verdict.late).toBe(false);
					const id = `m${nextId++}`;
					t = {
						...t,
						messages: [
							...t.messages,
							{
								id,
								parentId: task.parentId,
								role: verdict.role,
								authorId: userId,
								text,
								lang: 'en',
								createdAt: clock,
								reviewResult: null,
								deleted: false,
								redFlags: 0,
								replySkips: 0,
								rank: null
							}
						]
					};
					break;
				}
				case 'label_initial_prompt':
				case 'label_prompter_reply':
				case 'label_assistant_reply': {
					const author = t.messages.find((m) => m.id === task.messageId)!.authorId;
					const labels = {
						spam: isSpam(author) ? 1 : 0,
						lang_mismatch: 0,
						...(task.form === 'full' ? { quality: 0.75 } : {})
					};
					const parsed = labelSubmissionSchema.parse({
						type: task.type,
						taskId: task.id,
						messageId: task.messageId,
						form: task.form,
						labels
					});
					expectOk(
						checkLabels(t, { type: task.type, messageId: task.messageId, reviewerId: userId })
					);
					t = {
						...t,
						reviews: [
							...t.reviews,
							{
								messageId: task.messageId,
								reviewerId: userId,
								form: parsed.form,
								labels,
								at: clock
							}
						]
					};
					break;
				}
				case 'rank_prompter_replies':
				case 'rank_assistant_replies': {
					const authorOf = (id: string) => t.messages.find((m) => m.id === id)!.authorId;
					const ranking = task.replies
						.map((r) => r.id)
						.sort((a, b) => (authorOf(a) < authorOf(b) ? -1 : 1));
					rankSubmissionSchema.parse({ type: task.type, taskId: task.id, ranking });
					const shownIds = task.replies.map((r) => r.id);
					expectOk(
						checkRanking(t, { type: task.type, parentId: task.parentId, userId, shownIds, ranking })
					);
					t = {
						...t,
						rankings: [
							...t.rankings,
							{ parentId: task.parentId, userId, shownIds, ranking, at: clock }
						]
					};
					break;
				}
				default:
					throw new Error(`unexpected task ${task.type}`);
			}
			record(settleTree(t, config));
		};

		const step = (userId: string): boolean => {
			const contributor = { userId, skipped: new Set<string>(), leased: new Set<string>() };
			const [offer] = chooseTaskBatch({
				trees: [t],
				contributor,
				request: 'random',
				lang: 'en',
				count: 1,
				initialPrompts: 0,
				random,
				config
			});
			if (!offer) return false;
			const task = buildTask(offer, t, {
				taskId: `task${clock}`,
				labelForm: chooseLabelForm(offer, 'random', random, config),
				random
			});
			expect(taskSchema.parse(task)).toEqual(task);
			perform(task, userId);
			return true;
		};

		for (let i = 0; t.state === 'initial_prompt_review'; i++)
			step(crowd[1 + (i % (crowd.length - 1))]);
		expect(t.state).toBe('prompt_lottery_waiting');
		const winners = drawLottery(
			[{ treeId: t.id, lang: 'en', authorId: 'ann', authorFirstRanksThisWeek: 0 }],
			{ en: 0 },
			random,
			config
		);
		expect(winners).toEqual([t.id]);
		record(winLottery(t, clock, config));

		let idle = 0;
		for (let i = 0; t.state !== 'ready_for_export' && i < 2000; i++) {
			idle = step(crowd[i % crowd.length]) ? 0 : idle + 1;
			expect(idle).toBeLessThan(crowd.length);
		}

		expect(states).toEqual([
			'initial_prompt_review',
			'prompt_lottery_waiting',
			'growing',
			'ranking',
			'ready_for_scoring',
			'ready_for_export'
		]);
		const live = t.messages.filter((m) => !m.deleted && m.reviewResult === true);
		expect(live.length).toBeGreaterThanOrEqual(config.growth.goalTreeSize);
		expect(t.messages.filter((m) => m.reviewResult === null)).toEqual([]);
		// The spammer's messages were rejected and took no slot.
		const spam = t.messages.filter((m) => m.authorId === 'spammer');
		expect(spam.length).toBeGreaterThan(0);
		expect(spam.every((m) => m.reviewResult === false)).toBe(true);
		for (const m of live) {
			expect(depthOf(t, m.id)).toBeLessThan(config.growth.maxDepth);
			const replies = live.filter((c) => c.parentId === m.id);
			expect(replies.length).toBeLessThanOrEqual(m.role === 'prompter' ? 3 : 1);
			// Every sibling set got a full consensus: ranks 0..n−1, best to the earliest author.
			if (replies.length >= 2) {
				const byRank = [...replies].sort((a, b) => a.rank! - b.rank!);
				expect(byRank.map((r) => r.rank)).toEqual(replies.map((_, i) => i));
				expect(byRank.map((r) => r.authorId)).toEqual(replies.map((r) => r.authorId).sort());
			}
		}
		// Acceptance bonuses went to the authors, and the top-ranked replies earned 9 points.
		expect(awards.filter((a) => a.event.kind === 'accepted')).toHaveLength(live.length);
		const firsts = live.filter((m) => m.rank === 0);
		expect(awards.filter((a) => a.event.kind === 'reply_ranked' && a.points === 9)).toHaveLength(
			firsts.length
		);
	});
});

import { describe, expect, it } from 'vitest';
import { sampleReplies, SAMPLING } from '$lib/contribute/sample-replies';
import { restoreDraft } from '$lib/contribute/task-draft';
import { resultFromDraft } from '$lib/contribute/task-result';
import type { ChatMessage, GenerationParamsInput } from '$lib/protocol/inference';
import { sampleTask } from './fixtures';

/** The model manager as sampling sees it: version 3 of hearth-demo, answering from a list. */
function fakeEngine(answers: string[]) {
	const asked: { messages: ChatMessage[]; params: GenerationParamsInput }[] = [];
	return {
		asked,
		ready: async () => 'hearth-demo',
		versionOf: async () => 3,
		generate: async (messages: ChatMessage[], params: GenerationParamsInput) => {
			asked.push({ messages, params });
			const text = answers.shift() ?? '';
			return {
				text,
				finishReason: 'stop' as const,
				stats: {
					promptTokens: 1,
					cachedPromptTokens: 0,
					completionTokens: 1,
					prefillTokensPerSecond: 1,
					decodeTokensPerSecond: 1,
					timeToFirstTokenMs: 1
				}
			};
		}
	};
}

describe('sampleReplies', () => {
	it('asks the model k times with sampling on, naming each reply by model and version', async () => {
		const engine = fakeEngine(['Gravity pulls the sea.', ' The Moon does it. ']);
		const progress: number[] = [];
		const replies = await sampleReplies(engine, sampleTask().conversation, 2, (n) =>
			progress.push(n)
		);
		expect(replies).toEqual([
			{ text: 'Gravity pulls the sea.', modelName: 'hearth-demo@3', keep: true },
			{ text: 'The Moon does it.', modelName: 'hearth-demo@3', keep: true }
		]);
		expect(progress).toEqual([1, 2]);
		expect(engine.asked[0].messages).toEqual([{ role: 'user', content: 'How do tides work?' }]);
		expect(engine.asked[0].params).toEqual(SAMPLING);
		expect(SAMPLING.temperature).toBeGreaterThan(0);
	});

	it('drops empty replies and starts a reply with personal data as not kept', async () => {
		const engine = fakeEngine(['  ', 'Call +44 20 7946 0958 for tides.']);
		const replies = await sampleReplies(engine, sampleTask().conversation, 2);
		expect(replies).toEqual([
			{ text: 'Call +44 20 7946 0958 for tides.', modelName: 'hearth-demo@3', keep: false }
		]);
	});
});

describe('a sampling task’s draft and result', () => {
	const reply = (text: string, keep: boolean) => ({ text, modelName: 'hearth-demo@3', keep });

	it('sends only the kept replies, and needs at least one', () => {
		const task = sampleTask();
		const draft = {
			kind: 'samples' as const,
			step: 'edit' as const,
			replies: [reply('Kept.', true), reply('Dropped.', false)]
		};
		expect(resultFromDraft(task, draft)).toEqual({
			ok: true,
			result: {
				type: 'sample_assistant_replies',
				taskId: 't-sample',
				lang: 'en',
				replies: [{ text: 'Kept.', modelName: 'hearth-demo@3' }]
			}
		});
		expect(resultFromDraft(task, { ...draft, replies: [reply('Dropped.', false)] })).toEqual({
			ok: false,
			problems: ['Keep at least one reply, or skip the task.']
		});
		expect(resultFromDraft(task, { ...draft, replies: [] })).toEqual({
			ok: false,
			problems: ['Sample the replies first.']
		});
	});

	it('restores saved samples, dropping entries of the wrong shape', () => {
		const saved = {
			kind: 'samples',
			step: 'review',
			replies: [reply('Kept.', true), { text: 3 }, null]
		};
		expect(restoreDraft(sampleTask(), saved)).toEqual({
			kind: 'samples',
			step: 'review',
			replies: [reply('Kept.', true)]
		});
		expect(restoreDraft(sampleTask(), { kind: 'text', text: 'x' })).toEqual({
			kind: 'samples',
			step: 'edit',
			replies: []
		});
	});
});

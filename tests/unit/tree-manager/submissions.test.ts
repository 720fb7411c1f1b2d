import { describe, expect, it } from 'vitest';
import {
	defaultTreeManagerConfig as config,
	resolveTreeManagerConfig
} from '../../../sync-server/tree-manager/config';
import {
	checkEdit,
	checkLabels,
	checkRanking,
	checkReply,
	checkText
} from '../../../sync-server/tree-manager/submissions';
import { message, tree, withRanking, withReply, withReview } from './fixtures';

const HOUR = 3_600_000;

describe('text rules', () => {
	it('refuses blank text and text over the limit, counting code points', () => {
		expect(checkText('  \n ', [], 0, config)).toMatchObject({ ok: false, code: 'text_empty' });
		expect(checkText('x'.repeat(2000), [], 0, config)).toEqual({ ok: true });
		expect(checkText('😀'.repeat(2000), [], 0, config)).toEqual({ ok: true });
		expect(checkText('x'.repeat(2001), [], 0, config)).toEqual({
			ok: false,
			code: 'text_too_long',
			message: 'The text has 2001 characters; at most 2000 are allowed.'
		});
		const tiny = resolveTreeManagerConfig({ text: { maxChars: 3 } });
		expect(checkText('four', [], 0, tiny)).toMatchObject({ code: 'text_too_long' });
	});

	it('refuses the same text from the same user within 2 hours', () => {
		const recent = [{ text: 'Hello there', at: 10 * HOUR }];
		expect(checkText(' Hello there ', recent, 11 * HOUR, config)).toMatchObject({
			ok: false,
			code: 'duplicate_text'
		});
		expect(checkText('Hello there', recent, 12 * HOUR + 1, config)).toEqual({ ok: true });
		expect(checkText('Hello again', recent, 11 * HOUR, config)).toEqual({ ok: true });
	});
});

describe('late replies', () => {
	const base = withReply(withReply(tree('growing'), 'root', 'a1', 'ann'), 'root', 'a2', 'ben');
	const reply = { type: 'prompter_reply' as const, parentId: 'a1', authorId: 'cat' };

	it('accepts a reply in time, with the alternating role', () => {
		expect(checkReply(base, reply, config)).toEqual({ ok: true, role: 'prompter', late: false });
	});

	it('accepts a reply after the tree moved on while its parent is still valid', () => {
		expect(checkReply({ ...base, state: 'ranking' }, reply, config)).toEqual({
			ok: true,
			role: 'prompter',
			late: true
		});
		expect(checkReply({ ...base, state: 'ready_for_export' }, reply, config)).toMatchObject({
			ok: true,
			late: true
		});
	});

	it('rejects it with a reason once the parent or the tree is gone', () => {
		const deleted = {
			...base,
			messages: base.messages.map((m) => (m.id === 'a1' ? { ...m, deleted: true } : m))
		};
		expect(checkReply(deleted, reply, config)).toEqual({
			ok: false,
			code: 'target_deleted',
			message: 'The message you replied to was deleted.'
		});
		const rejected = {
			...base,
			messages: base.messages.map((m) => (m.id === 'a1' ? { ...m, reviewResult: false } : m))
		};
		expect(checkReply(rejected, reply, config)).toMatchObject({ code: 'parent_not_accepted' });
		expect(checkReply({ ...base, state: 'halted_by_moderator' }, reply, config)).toMatchObject({
			code: 'tree_closed'
		});
		expect(checkReply(base, { ...reply, parentId: 'nope' }, config)).toMatchObject({
			code: 'target_missing'
		});
	});

	it('rejects the wrong role, a reply too deep, to oneself, or twice', () => {
		expect(checkReply(base, { ...reply, type: 'assistant_reply' }, config)).toMatchObject({
			code: 'wrong_task_type'
		});
		const deep = withReply(withReply(base, 'a1', 'p1', 'dan'), 'p1', 'a3', 'eve');
		expect(checkReply(deep, { ...reply, parentId: 'a3' }, config)).toMatchObject({
			code: 'too_deep'
		});
		expect(checkReply(base, { ...reply, authorId: 'ann' }, config)).toMatchObject({
			code: 'own_message'
		});
		const answered = withReply(base, 'a1', 'p1', 'cat');
		expect(checkReply(answered, reply, config)).toMatchObject({ code: 'already_done' });
	});
});

describe('late labels and rankings', () => {
	const t = withReply(tree('growing'), 'root', 'a1', 'ann', { reviewResult: null });
	const label = { type: 'label_assistant_reply' as const, messageId: 'a1', reviewerId: 'ben' };

	it('lets a label decide review only while the tree is in that phase', () => {
		expect(checkLabels(t, label)).toEqual({ ok: true, late: false });
		expect(checkLabels({ ...t, state: 'ranking' }, label)).toEqual({ ok: true, late: true });
		// A rejected reply can still be accepted by more reviews while the tree grows.
		const rejected = {
			...t,
			messages: t.messages.map((m) => (m.id === 'a1' ? { ...m, reviewResult: false } : m))
		};
		expect(checkLabels(rejected, label)).toEqual({ ok: true, late: false });
		const accepted = {
			...t,
			messages: t.messages.map((m) => (m.id === 'a1' ? { ...m, reviewResult: true } : m))
		};
		expect(checkLabels(accepted, label)).toEqual({ ok: true, late: true });
		expect(checkLabels(t, { ...label, type: 'label_initial_prompt' })).toMatchObject({
			code: 'wrong_task_type'
		});
		expect(checkLabels(t, { ...label, reviewerId: 'ann' })).toMatchObject({ code: 'own_message' });
		expect(checkLabels(withReview(t, 'a1', 'ben'), label)).toMatchObject({ code: 'already_done' });
	});

	const ranked = withReply(
		withReply(withReply(tree('ranking'), 'root', 'a1', 'ann'), 'root', 'a2', 'ben'),
		'root',
		'a3',
		'cat'
	);
	const ranking = {
		type: 'rank_assistant_replies' as const,
		parentId: 'root',
		userId: 'dan',
		shownIds: ['a1', 'a2', 'a3'],
		ranking: ['a3', 'a1', 'a2']
	};

	it('keeps a ranking that arrives after scoring, flagged late', () => {
		expect(checkRanking(ranked, ranking)).toEqual({ ok: true, late: false });
		expect(checkRanking({ ...ranked, state: 'ready_for_export' }, ranking)).toEqual({
			ok: true,
			late: true
		});
		expect(checkRanking({ ...ranked, state: 'halted_by_moderator' }, ranking)).toMatchObject({
			code: 'tree_closed'
		});
	});

	it('tolerates one shown reply deleted since, but not two', () => {
		const del = (ids: string[]) => ({
			...ranked,
			messages: ranked.messages.map((m) => (ids.includes(m.id) ? { ...m, deleted: true } : m))
		});
		expect(checkRanking(del(['a1']), ranking)).toMatchObject({ ok: true });
		expect(checkRanking(del(['a1', 'a2']), ranking)).toEqual({
			ok: false,
			code: 'replies_gone',
			message: 'Fewer than two of these replies are still in the conversation.'
		});
	});

	it('requires the ranking to order exactly the shown replies', () => {
		expect(checkRanking(ranked, { ...ranking, ranking: ['a3', 'a1'] })).toEqual({
			ok: false,
			code: 'ranking_mismatch',
			message: 'The ranking must order each shown reply once (missing: a2; not shown: none).'
		});
		expect(checkRanking(ranked, { ...ranking, shownIds: ['a1', 'root'] })).toMatchObject({
			code: 'ranking_mismatch'
		});
		expect(checkRanking(ranked, { ...ranking, ranking: null })).toEqual({ ok: true, late: false });
		expect(checkRanking(ranked, { ...ranking, userId: 'ann' })).toMatchObject({
			code: 'own_message'
		});
		expect(
			checkRanking(withRanking(ranked, 'root', 'dan', null, ['a1', 'a2', 'a3']), ranking)
		).toMatchObject({
			code: 'already_done'
		});
		expect(checkRanking(ranked, { ...ranking, type: 'rank_prompter_replies' })).toMatchObject({
			code: 'wrong_task_type'
		});
	});
});

describe('editing one’s own message', () => {
	const t = tree('initial_prompt_review', {
		messages: [message({ id: 'root', authorId: 'ann', reviewResult: null })]
	});

	it('is allowed to the author until the first review', () => {
		expect(checkEdit(t, 'root', 'ann')).toEqual({ ok: true });
		expect(checkEdit(t, 'root', 'ben')).toMatchObject({ code: 'not_author' });
		expect(checkEdit(withReview(t, 'root', 'ben'), 'root', 'ann')).toEqual({
			ok: false,
			code: 'already_reviewed',
			message: 'The message was already reviewed and can no longer change.'
		});
	});
});

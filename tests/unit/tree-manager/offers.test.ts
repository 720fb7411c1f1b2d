import { describe, expect, it } from 'vitest';
import {
	defaultTreeManagerConfig as config,
	resolveTreeManagerConfig
} from '../../../sync-server/tree-manager/config';
import { extendibleParents, isGrowthComplete } from '../../../sync-server/tree-manager/growth';
import { offerKey } from '../../../sync-server/tree-manager/offer-key';
import {
	offersOfTree,
	skipOutcome,
	type Contributor
} from '../../../sync-server/tree-manager/offers';
import { tree, withRanking, withReply, withReview } from './fixtures';

const someone = (userId = 'someone', extra: Partial<Contributor> = {}): Contributor => ({
	userId,
	skipped: new Set(),
	leased: new Set(),
	...extra
});
const summary = (offers: { type: string; targetId?: string }[]) =>
	offers.map((o) => `${o.type}:${o.targetId}`).sort();

describe('growth limits', () => {
	it('lets a prompter message take 3 assistant replies and an assistant message 1 prompter reply', () => {
		let t = withReply(tree('growing'), 'root', 'a1', 'u1');
		t = withReply(t, 'root', 'a2', 'u2');
		expect(summary(offersOfTree(t, someone(), config))).toEqual([
			'assistant_reply:root',
			'prompter_reply:a1',
			'prompter_reply:a2',
			'sample_assistant_replies:root'
		]);
		t = withReply(withReply(t, 'root', 'a3', 'u3'), 'a1', 'p1', 'u4');
		expect(summary(offersOfTree(t, someone(), config))).toEqual([
			'assistant_reply:p1',
			'prompter_reply:a2',
			'prompter_reply:a3',
			'sample_assistant_replies:p1'
		]);
	});

	it('offers device samples where a prompt wants replies, within the share of model samples', () => {
		const samples = (t: ReturnType<typeof tree>) =>
			offersOfTree(t, someone(), config)
				.filter((o) => o.type === 'sample_assistant_replies')
				.map((o) => [o.targetId, o.samples]);
		// Three replies wanted, at most two (0.67 × 3) of them samples, two per task.
		expect(samples(tree('growing'))).toEqual([['root', 2]]);
		// One slot left: one sample.
		let t = withReply(tree('growing'), 'root', 'a1', 'u1');
		t = withReply(t, 'root', 'a2', 'u2');
		expect(samples(t)).toEqual([['root', 1]]);
		// Two samples already: a person's answer takes the last slot, no more samples.
		t = withReply(tree('growing'), 'root', 'a1', 'u1', { synthetic: true });
		t = withReply(t, 'root', 'a2', 'u1', { synthetic: true });
		expect(samples(t)).toEqual([]);
		expect(summary(offersOfTree(t, someone(), config))).toContain('assistant_reply:root');
		// Never for an assistant message, nor in another state.
		expect(samples(tree('ranking'))).toEqual([]);
	});

	it('stops at 4 levels: the deepest assistant reply gets no prompter reply', () => {
		let t = withReply(tree('growing'), 'root', 'a1', 'u1');
		t = withReply(t, 'a1', 'p1', 'u2');
		t = withReply(t, 'p1', 'a2', 'u3');
		const parents = extendibleParents(t, config, { countLeases: false }).map((p) => p.parent.id);
		expect(parents).toContain('p1');
		expect(parents).not.toContain('a2');
	});

	it('no longer counts rejected or deleted replies, so their slots open again', () => {
		let t = withReply(tree('growing'), 'root', 'a1', 'u1');
		t = withReply(t, 'root', 'a2', 'u2', { reviewResult: false });
		t = withReply(t, 'root', 'a3', 'u3', { deleted: true });
		const root = extendibleParents(t, config, { countLeases: false }).find(
			(p) => p.parent.id === 'root'
		);
		expect(root?.liveChildren).toBe(1);
	});

	it('offers no more replies once the tree reaches its goal size, counting leased replies', () => {
		const small = resolveTreeManagerConfig({ growth: { goalTreeSize: 3 } });
		let t = { ...withReply(tree('growing'), 'root', 'a1', 'u1'), goalSize: 3 };
		expect(summary(offersOfTree(t, someone(), small))).toContain('assistant_reply:root');
		t = { ...t, leased: { [offerKey('reply', 'root')]: 1 } };
		expect(summary(offersOfTree(t, someone(), small))).toEqual([]);
		t = withReply({ ...t, leased: {} }, 'a1', 'p1', 'u2');
		expect(summary(offersOfTree(t, someone(), small))).toEqual([]);
	});

	it('counts leased replies against a parent’s slots', () => {
		const t = {
			...withReply(tree('growing'), 'root', 'a1', 'u1'),
			leased: { [offerKey('reply', 'root')]: 2 }
		};
		expect(summary(offersOfTree(t, someone(), config))).toEqual(['prompter_reply:a1']);
	});

	it('completes growth at the goal size only once nothing awaits review', () => {
		let t = {
			...withReply(tree('growing'), 'root', 'a1', 'u1', { reviewResult: null }),
			goalSize: 2
		};
		expect(isGrowthComplete(t, config)).toBe(false);
		t = { ...t, messages: t.messages.map((m) => ({ ...m, reviewResult: true })) };
		expect(isGrowthComplete(t, config)).toBe(true);
	});
});

describe('offers and exclusions', () => {
	const inReview = withReply(
		withReply(tree('growing'), 'root', 'a1', 'alice', { reviewResult: null }),
		'root',
		'a2',
		'bob'
	);

	it('offers labels for replies in review until they have (or are promised) 3 reviews', () => {
		expect(summary(offersOfTree(inReview, someone(), config))).toContain(
			'label_assistant_reply:a1'
		);
		const reviewed = withReview(withReview(inReview, 'a1', 'r1'), 'a1', 'r2');
		expect(summary(offersOfTree(reviewed, someone(), config))).toContain(
			'label_assistant_reply:a1'
		);
		const promised = { ...reviewed, leased: { [offerKey('label', 'a1')]: 1 } };
		expect(summary(offersOfTree(promised, someone(), config))).not.toContain(
			'label_assistant_reply:a1'
		);
	});

	it('never offers a contributor their own message', () => {
		expect(summary(offersOfTree(inReview, someone('alice'), config))).not.toContain(
			'label_assistant_reply:a1'
		);
		expect(summary(offersOfTree(inReview, someone('bob'), config))).not.toContain(
			'prompter_reply:a2'
		);
		expect(summary(offersOfTree(inReview, someone('rootAuthor'), config))).not.toContain(
			'assistant_reply:root'
		);
	});

	it('never offers what the contributor already did', () => {
		const t = withReview(inReview, 'a1', 'carol');
		const carol = summary(offersOfTree(t, someone('carol'), config));
		expect(carol).not.toContain('label_assistant_reply:a1');
		// bob already answered root, so he gets no second assistant reply there.
		expect(summary(offersOfTree(t, someone('bob'), config))).not.toContain('assistant_reply:root');
	});

	it('never offers what the contributor skipped or already holds', () => {
		const skipped = someone('carol', { skipped: new Set([offerKey('reply', 'root')]) });
		expect(summary(offersOfTree(inReview, skipped, config))).not.toContain('assistant_reply:root');
		const holding = someone('carol', { leased: new Set([offerKey('label', 'a1')]) });
		expect(summary(offersOfTree(inReview, holding, config))).not.toContain(
			'label_assistant_reply:a1'
		);
	});

	it('marks a prompter message with a single reply as lone', () => {
		const offers = offersOfTree(inReview, someone(), config);
		expect(offers.find((o) => o.type === 'assistant_reply')?.loneReply).toBe(false);
		const lone = withReply(tree('growing'), 'root', 'a1', 'alice');
		expect(
			offersOfTree(lone, someone(), config).find((o) => o.type === 'assistant_reply')
		).toMatchObject({ loneReply: true });
	});

	it('offers the initial prompt for labelling only while it is in review', () => {
		const reviewed = tree('initial_prompt_review');
		const t = {
			...reviewed,
			messages: reviewed.messages.map((m) => ({ ...m, reviewResult: null }))
		};
		expect(summary(offersOfTree(t, someone(), config))).toEqual(['label_initial_prompt:root']);
		expect(summary(offersOfTree(t, someone('rootAuthor'), config))).toEqual([]);
		expect(
			summary(offersOfTree({ ...t, state: 'prompt_lottery_waiting' }, someone(), config))
		).toEqual([]);
	});

	it('in ranking, offers each incomplete sibling set to those not involved', () => {
		let t = withReply(withReply(tree('ranking'), 'root', 'a1', 'alice'), 'root', 'a2', 'bob');
		t = withReply(t, 'a1', 'p1', 'carol');
		expect(summary(offersOfTree(t, someone(), config))).toEqual(['rank_assistant_replies:root']);
		expect(summary(offersOfTree(t, someone('alice'), config))).toEqual([]);
		t = withRanking(t, 'root', 'dave', ['a1', 'a2']);
		expect(summary(offersOfTree(t, someone('dave'), config))).toEqual([]);
		t = withRanking(withRanking(t, 'root', 'erin', null, ['a2', 'a1']), 'root', 'fay', [
			'a2',
			'a1'
		]);
		expect(summary(offersOfTree(t, someone(), config))).toEqual([]);
	});

	it('remembers a skip for the contributor, and counts skipped replies against the parent', () => {
		expect(skipOutcome('assistant_reply', 'root')).toEqual({
			offerKey: 'reply:root',
			replySkipOn: 'root'
		});
		expect(skipOutcome('label_assistant_reply', 'a1')).toEqual({
			offerKey: 'label:a1',
			replySkipOn: null
		});
		expect(skipOutcome('rank_assistant_replies', 'root')).toEqual({
			offerKey: 'rank:root',
			replySkipOn: null
		});
	});
});

// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { ComposerDraft } from '$lib/chat/composer-draft.svelte';

/** Draft storage whose reads resolve only when the test says so. */
function slowDrafts(saved: Record<string, string>) {
	const pending: (() => void)[] = [];
	const writes: [string | null, string][] = [];
	return {
		writes,
		release: () => pending.splice(0).forEach((resolve) => resolve()),
		load: (id: string | null) =>
			new Promise<string>((resolve) => pending.push(() => resolve(saved[id ?? 'new'] ?? ''))),
		save: async (id: string | null, text: string) => void writes.push([id, text])
	};
}

describe('ComposerDraft', () => {
	it('restores each conversation’s saved draft', async () => {
		const drafts = slowDrafts({ a: 'half a thought' });
		const draft = new ComposerDraft(drafts.load, drafts.save);
		const switching = draft.switchTo('a');
		drafts.release();
		await switching;
		expect(draft.text).toBe('half a thought');
	});

	it('keeps what the user typed while the saved draft was still being read', async () => {
		const drafts = slowDrafts({ new: 'an old draft' });
		const draft = new ComposerDraft(drafts.load, drafts.save);
		const switching = draft.switchTo(null);
		await draft.input('typed right away');
		drafts.release();
		await switching;
		expect(draft.text).toBe('typed right away');
		expect(drafts.writes).toEqual([[null, 'typed right away']]);
	});

	it('ignores a draft that arrives after the user moved to another conversation', async () => {
		const drafts = slowDrafts({ a: 'draft of a', b: 'draft of b' });
		const draft = new ComposerDraft(drafts.load, drafts.save);
		const toA = draft.switchTo('a');
		const toB = draft.switchTo('b');
		drafts.release();
		await Promise.all([toA, toB]);
		expect(draft.text).toBe('draft of b');
		await draft.input('more');
		expect(drafts.writes).toEqual([['b', 'more']]);
	});

	it('hands over the text to send and empties the box', async () => {
		const drafts = slowDrafts({});
		const draft = new ComposerDraft(drafts.load, drafts.save);
		await draft.input('hello');
		expect(draft.take()).toEqual({ text: 'hello', conversationId: null });
		expect(draft.text).toBe('');
	});

	it('gets a refused send’s text back in the box, unless the user typed anew', async () => {
		const drafts = slowDrafts({});
		const draft = new ComposerDraft(drafts.load, drafts.save);
		await draft.input('first try');
		const refused = draft.take();
		await draft.giveBack(refused);
		expect(draft.text).toBe('first try');
		// Saved again: the box now shows it, and a reload must too.
		expect(drafts.writes).toEqual([
			[null, 'first try'],
			[null, 'first try']
		]);

		const again = draft.take();
		await draft.input('something new');
		const written = drafts.writes.length;
		await draft.giveBack(again);
		expect(draft.text).toBe('something new');
		expect(drafts.writes).toHaveLength(written);
	});

	it('keeps a refused send’s text as the draft of the conversation it was written in', async () => {
		const drafts = slowDrafts({ b: 'draft of b' });
		const draft = new ComposerDraft(drafts.load, drafts.save);
		const toA = draft.switchTo('a');
		drafts.release();
		await toA;
		await draft.input('for a');
		const taken = draft.take();
		const toB = draft.switchTo('b');
		drafts.release();
		await toB;
		const written = drafts.writes.length;
		const givingBack = draft.giveBack(taken);
		drafts.release();
		await givingBack;
		expect(draft.text).toBe('draft of b');
		expect(drafts.writes.slice(written)).toEqual([['a', 'for a']]);
	});
});

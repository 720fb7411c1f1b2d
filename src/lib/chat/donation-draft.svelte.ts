// The "Share to improve Hearth" panel's state: what to share, whether thumbs go with it, the
// chat's language, the person's edits, the personal-data check, and consent. What would be sent
// is always `messages`, recomputed from the conversation as it is now; sharing is possible only
// once nothing stands in the way (`problem` says what does, in words for the person).
import type { StoredMessage } from '$lib/db/records/message';
import { findPii, type PiiSpan } from '$lib/privacy/pii';
import type { DonatedMessage } from '$lib/protocol/donations';
import { donatedMessages, threadCut, type DonationScope } from './donation';

export class DonationDraft {
	scope = $state<DonationScope>('thread');
	includeVotes = $state(false);
	lang = $state('en');
	/** Texts changed in the preview, by message id. */
	edits = $state<Record<string, string>>({});
	/** The person confirmed that what the check marked is not personal data. */
	piiConfirmed = $state(false);
	consent = $state(false);

	readonly messages: DonatedMessage[] = $derived.by(() => {
		const { messages, leafId } = this.source();
		return donatedMessages(messages, leafId, {
			scope: this.scope,
			includeVotes: this.includeVotes,
			edits: this.edits
		});
	});
	/** What of the visible thread cannot go, and why; null when all of it can. */
	readonly cut: string | null = $derived.by(() => {
		const { messages, leafId } = this.source();
		return threadCut(messages, leafId);
	});
	/** Thumbs the person gave within the chosen part, whether or not they go with it. */
	readonly votes = $derived.by(() => {
		const { messages, leafId } = this.source();
		return donatedMessages(messages, leafId, {
			scope: this.scope,
			includeVotes: true,
			edits: {}
		}).filter((m) => m.vote !== null).length;
	});
	/** What the personal-data check marked, per message. */
	readonly pii: Readonly<Record<string, PiiSpan[]>> = $derived(
		Object.fromEntries(
			this.messages.map((m) => [m.ref, findPii(m.text)] as const).filter(([, s]) => s.length > 0)
		)
	);
	/**
	 * What it marked in the results of a reply's tool calls (a search of the person's own notes
	 * quotes them), by `resultKey`. Results are what the tool gave, so they are not edited: the
	 * person confirms, or shares less.
	 */
	readonly resultPii: Readonly<Record<string, PiiSpan[]>> = $derived(
		Object.fromEntries(
			this.messages.flatMap((m) =>
				(m.toolSteps ?? []).flatMap((step, round) =>
					step.calls
						.map((call, index) => [resultKey(m.ref, round, index), findPii(call.result)] as const)
						.filter(([, spans]) => spans.length > 0)
				)
			)
		)
	);
	/** Whether the check marked anything, in texts or in tool results. */
	readonly flagged = $derived(
		Object.keys(this.pii).length > 0 || Object.keys(this.resultPii).length > 0
	);
	readonly problem: string | null = $derived.by(() => {
		if (this.messages.length < 2)
			return 'There is nothing to share yet: a message and a finished reply to it.';
		if (this.messages.some((m) => m.text.trim() === ''))
			return 'A message is empty: write something in it.';
		if (this.flagged && !this.piiConfirmed) {
			return 'Edit the marked personal data out, or confirm that it is not personal.';
		}
		if (!this.consent) return 'Agree to the licence to share.';
		return null;
	});

	constructor(
		private readonly source: () => { messages: readonly StoredMessage[]; leafId: string | null },
		lang: string
	) {
		this.lang = lang;
	}

	edit(ref: string, text: string): void {
		this.edits = { ...this.edits, [ref]: text };
		// A confirmation was for the text as it was.
		this.piiConfirmed = false;
	}

	/** What `ChatSession.donate` sends; only when `problem` is null. */
	payload(): { lang: string; messages: DonatedMessage[] } {
		if (this.problem) throw new Error(this.problem);
		return { lang: this.lang, messages: $state.snapshot(this.messages) as DonatedMessage[] };
	}
}

/** The key of a tool call's result in `DonationDraft.resultPii`. */
export function resultKey(ref: string, round: number, index: number): string {
	return `${ref}:${round}:${index}`;
}

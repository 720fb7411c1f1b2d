// Writing an assistant reply with tools: the contributor runs a tool as the assistant would, its
// real result becomes a round of the reply (`toolSteps`, what the server stores and the export
// carries as `tool_steps`), and the text box holds the final answer. Pure, except that the tools
// themselves load on demand (local-tools.ts), so mathjs stays off the Contribute page's bundle.
import { MAX_REPLY_TOOL_ROUNDS, type ReplyToolStep } from '$lib/protocol/tools';
import type { PendingToolCall, TextDraft } from './task-draft';

type ReplyToolCall = ReplyToolStep['calls'][number];

/** Another round still fits the protocol's limit. */
export function canUseAnotherTool(draft: TextDraft): boolean {
	return (draft.toolSteps?.length ?? 0) < MAX_REPLY_TOOL_ROUNDS;
}

/** The draft with `call` filled in (or, for null, the form closed). */
export function withToolCall(draft: TextDraft, call: PendingToolCall | null): TextDraft {
	const { toolCall: _closed, ...rest } = draft;
	return call ? { ...rest, toolCall: call } : rest;
}

/** The draft with `call`'s result as its next round, the form closed. */
export function withToolStep(draft: TextDraft, call: ReplyToolCall): TextDraft {
	const { toolCall: _ran, ...rest } = draft;
	return { ...rest, toolSteps: [...(draft.toolSteps ?? []), { text: '', calls: [call] }] };
}

/** The draft without its round at `index`. */
export function withoutToolStep(draft: TextDraft, index: number): TextDraft {
	const { toolSteps = [], ...rest } = draft;
	const kept = toolSteps.filter((_, i) => i !== index);
	return kept.length > 0 ? { ...rest, toolSteps: kept } : rest;
}

let loading: Promise<typeof import('./local-tools')> | null = null;

/** The tools a reply may use, loaded on first use. */
export function loadReplyTools(): Promise<typeof import('./local-tools')> {
	return (loading ??= import('./local-tools'));
}

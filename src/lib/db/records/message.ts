import type { FinishReason } from '$lib/protocol/inference';
import type { ToolStep } from '$lib/protocol/tools';

/** Who wrote a chat message on this device; oasst trees call the user the prompter. */
export type ChatRole = 'user' | 'assistant';

/** Measured while the reply was generated; shown under the reply. */
export interface GenerationStats {
	promptTokens: number;
	completionTokens: number;
	prefillTokensPerSecond: number;
	decodeTokensPerSecond: number;
	timeToFirstTokenMs: number;
}

/**
 * One node of a conversation tree. Regenerating adds a sibling assistant message, editing a
 * user message adds a sibling user message; the visible thread is root → current leaf.
 */
export interface StoredMessage {
	id: string;
	conversationId: string;
	/** null for a root: the first user message or an edit of it. */
	parentId: string | null;
	role: ChatRole;
	content: string;
	createdAt: number;
	/** The model that wrote an assistant reply; null for the user's own messages. */
	model: string | null;
	/** The registry version of `model` that wrote the reply; null or absent when it has none. */
	modelVersion?: number | null;
	stats: GenerationStats | null;
	/** Why a reply ended; 'length' and 'interrupted' replies can be continued. Absent while streaming. */
	finishReason?: FinishReason | 'error';
	/** What went wrong when finishReason is 'error', in words for the user. */
	error?: string;
	/** The tool calls a reply made before its text, round by round, with their results. */
	steps?: ToolStep[];
	/** The user's thumbs on a reply, kept for the contribution loop. */
	feedback?: 'up' | 'down' | null;
}

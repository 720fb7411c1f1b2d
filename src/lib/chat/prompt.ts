import type { ChatMessage } from '$lib/protocol/inference';
import type { ToolStep } from '$lib/protocol/tools';
import { toolTurns } from '$lib/shared/tool-calls';
import type { ChatNode } from './branch';

/**
 * What the engine is given for a turn: the system prompt (when set), then the thread, each
 * reply that called tools with its calls and their results before its text, as the model saw
 * them while writing it.
 */
export function promptMessages(
	systemPrompt: string | undefined,
	thread: readonly (ChatNode & { steps?: ToolStep[] })[]
): ChatMessage[] {
	const messages: ChatMessage[] = thread.flatMap((m): ChatMessage[] => [
		...toolTurns(m.steps ?? []),
		{ role: m.role, content: m.content }
	]);
	return systemPrompt?.trim()
		? [{ role: 'system', content: systemPrompt.trim() }, ...messages]
		: messages;
}

/** A conversation title from its first message: the first line, shortened at a word. */
export function titleFrom(text: string, max = 48): string {
	const line = text.trim().split('\n')[0].replace(/\s+/g, ' ');
	if (line.length <= max) return line || 'New conversation';
	const cut = line.slice(0, max);
	const space = cut.lastIndexOf(' ');
	return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

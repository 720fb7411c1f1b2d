// Export a conversation so it can leave the device on the user's terms: Markdown for reading
// (the thread shown), JSON for keeping or donating (the whole tree, every branch).
import type { ChatNode } from './branch';
import { pathTo } from './tree';

export interface ExportedConversation {
	id: string;
	title: string;
	createdAt: number;
	systemPrompt: string;
	currentLeafId: string | null;
}

export const EXPORT_FORMAT = 'hearth.conversation';
export const EXPORT_VERSION = 1;

const ROLE_HEADINGS = { user: 'User', assistant: 'Assistant' } as const;

/** The visible thread as Markdown: title, system prompt, then one section per turn. */
export function exportMarkdown(
	conversation: ExportedConversation,
	messages: readonly ChatNode[]
): string {
	const parts = [`# ${conversation.title.replace(/\s+/g, ' ').trim() || 'Untitled conversation'}`];
	if (conversation.systemPrompt.trim())
		parts.push(`## System\n\n${conversation.systemPrompt.trim()}`);
	for (const m of pathTo(messages, conversation.currentLeafId))
		parts.push(`## ${ROLE_HEADINGS[m.role]}\n\n${m.content.trim()}`);
	return parts.join('\n\n') + '\n';
}

/** The whole tree as JSON, oldest message first, so an import can rebuild every branch. */
export function exportJson<M extends ChatNode>(
	conversation: ExportedConversation,
	messages: readonly M[]
): string {
	const ordered = [...messages].sort((a, b) => a.createdAt - b.createdAt);
	return (
		JSON.stringify(
			{ format: EXPORT_FORMAT, version: EXPORT_VERSION, conversation, messages: ordered },
			null,
			2
		) + '\n'
	);
}

/** A file name that is safe on every OS, from the title. */
export function exportFileName(conversation: { title: string }, extension: 'md' | 'json'): string {
	const slug = conversation.title
		.normalize('NFKD')
		.replace(/[^\w\s-]/g, '')
		.trim()
		.replace(/\s+/g, '-')
		.toLowerCase()
		.slice(0, 60);
	return `${slug || 'conversation'}.${extension}`;
}

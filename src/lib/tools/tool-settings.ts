// Which tools a reply may call: on or off for every conversation (Settings → Tools), off in one
// conversation, and network tools only once the user allowed them in Settings and then, when
// the model first reaches for one, in that conversation.
import type { ConversationTools } from '$lib/db/records/conversation';
import type { ToolDeclaration } from '$lib/shared/tools/tool';

export interface ToolSettings {
	/** Tools at all, for every conversation. */
	enabled: boolean;
	/** Names of tools switched off everywhere. */
	off: string[];
	/** Tools that reach the network may be offered (each conversation still asks once). */
	allowNetwork: boolean;
	maxRounds: number;
}

export const TOOL_SETTINGS_KEY = 'tools.settings';

/** Rounds of tool calls a reply may make before it must answer, unless Settings say otherwise. */
export const MAX_TOOL_ROUNDS = 4;

export const defaultToolSettings: ToolSettings = {
	enabled: true,
	off: [],
	allowNetwork: false,
	maxRounds: MAX_TOOL_ROUNDS
};

/** The tools a reply in a conversation is offered. */
export function offeredTools<T extends ToolDeclaration>(
	all: readonly T[],
	settings: ToolSettings,
	conversation: ConversationTools | undefined
): T[] {
	if (!settings.enabled || conversation?.off) return [];
	return all.filter(
		(tool) =>
			!settings.off.includes(tool.name) &&
			(!tool.network || (settings.allowNetwork && conversation?.network !== 'refused'))
	);
}

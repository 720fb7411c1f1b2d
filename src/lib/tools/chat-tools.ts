// What the Chat page hands its session for tools: the user's tool settings, and the tools
// themselves, loaded on the first reply that may use them.
import type { HearthStorage } from '$lib/db/open';
import type { Tool } from '$lib/shared/tools/tool';
import { defaultToolSettings, TOOL_SETTINGS_KEY, type ToolSettings } from './tool-settings';

export interface ChatTools {
	settings(): Promise<ToolSettings>;
	load(): Promise<Tool[]>;
}

export function chatTools(storage: HearthStorage): ChatTools {
	let loading: Promise<Tool[]> | null = null;
	return {
		settings: async () => ({
			...defaultToolSettings,
			...(await storage.settings.get<Partial<ToolSettings>>(TOOL_SETTINGS_KEY, {}))
		}),
		load: () => (loading ??= import('./browser-tools').then((m) => m.browserTools(storage)))
	};
}

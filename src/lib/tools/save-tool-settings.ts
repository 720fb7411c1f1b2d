import type { HearthStorage } from '$lib/db/open';
import { TOOL_SETTINGS_KEY, type ToolSettings } from './tool-settings';

/** The most rounds a user may allow: each round is a full generation, and small models loop. */
export const MAX_ROUNDS_LIMIT = 8;

/** Stores the settings, refusing a round limit outside 1…MAX_ROUNDS_LIMIT with the reason. */
export async function saveToolSettings(
	storage: HearthStorage,
	settings: ToolSettings
): Promise<void> {
	const rounds = settings.maxRounds;
	if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS_LIMIT) {
		throw new Error(`Rounds of tool calls must be a whole number from 1 to ${MAX_ROUNDS_LIMIT}.`);
	}
	await storage.settings.set(TOOL_SETTINGS_KEY, settings);
}

import type { HearthDatabase } from './database';
import { toStorable } from './snapshot.svelte';

/** One file of an installed model: where it came from (the Cache Storage key) and what it must be. */
export interface InstalledFile {
	path: string;
	url: string;
	size: number;
	sha256: string | null;
}

/** A model's files as held on the device, for one version. */
export interface ModelInstall {
	recordId: string;
	/** Registry version; null for models served from their own URL or by web-llm. */
	version: number | null;
	/** Empty for web-llm models, whose files live in web-llm's own cache. */
	files: InstalledFile[];
	/** Set once every file is verified and stored; until then this is a download to resume. */
	complete: boolean;
	updatedAt: number;
}

/**
 * What a device holds of one model: the version in use and, while a download or an update is
 * under way, the one being fetched. The old version stays usable until the new one is complete.
 */
export interface ModelInstallState {
	current: ModelInstall | null;
	pending: ModelInstall | null;
}

const PREFIX = 'models.install.';

/** Install states live in the settings table, one row per model record. */
export class ModelInstallsRepository {
	constructor(private readonly db: HearthDatabase) {}

	async get(recordId: string): Promise<ModelInstallState> {
		const row = await this.db.settings.get(PREFIX + recordId);
		return (row?.value as ModelInstallState | undefined) ?? { current: null, pending: null };
	}

	async set(recordId: string, state: ModelInstallState): Promise<void> {
		if (!state.current && !state.pending) await this.db.settings.delete(PREFIX + recordId);
		else await this.db.settings.put({ key: PREFIX + recordId, value: toStorable(state) });
	}

	/** Every model with something on the device, by record id. */
	async all(): Promise<Map<string, ModelInstallState>> {
		const rows = await this.db.settings.where('key').startsWith(PREFIX).toArray();
		return new Map(rows.map((r) => [r.key.slice(PREFIX.length), r.value as ModelInstallState]));
	}
}

import type { HearthDatabase } from './database';
import { toStorable } from './snapshot.svelte';

export class SettingsRepository {
	constructor(private readonly db: HearthDatabase) {}

	async get<V>(key: string, fallback: V): Promise<V> {
		const row = await this.db.settings.get(key);
		return row === undefined ? fallback : (row.value as V);
	}

	async set<V>(key: string, value: V): Promise<void> {
		await this.db.settings.put({ key, value: toStorable(value) });
	}
}

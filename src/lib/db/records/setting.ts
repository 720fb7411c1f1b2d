/** A device-local preference (theme override, chosen model, sync identity …). */
export interface StoredSetting<V = unknown> {
	key: string;
	value: V;
}

export interface StorageReport {
	/** Bytes used by this origin, as the browser counts them. */
	usage: number;
	/** Bytes this origin may use before writes fail. */
	quota: number;
	/** Whether the browser will keep this origin's data under storage pressure. */
	persisted: boolean;
}

/** Usage, quota and persistence from the Storage API; null where the browser lacks it. */
export async function readStorageReport(
	storage: StorageManager | undefined = globalThis.navigator?.storage
): Promise<StorageReport | null> {
	if (!storage?.estimate) return null;
	const [{ usage = 0, quota = 0 }, persisted] = await Promise.all([
		storage.estimate(),
		storage.persisted?.() ?? Promise.resolve(false)
	]);
	return { usage, quota, persisted };
}

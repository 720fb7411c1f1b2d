import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { HearthDatabase } from '$lib/db/database';
import { PersistenceRequest } from '$lib/db/persistence';
import { openHearthStorage, type HearthStorage } from '$lib/db/open';

let databases = 0;

/** A fresh database name per call, so tests never see each other's rows. */
export function uniqueDatabaseName(): string {
	return `hearth-test-${process.pid}-${++databases}`;
}

export const fakeIndexedDb = { indexedDB, IDBKeyRange };

/** Counts `persist()` calls the way Chromium's StorageManager would receive them. */
export class RecordingStorageManager {
	persistCalls = 0;
	persistedNow = false;
	async persisted(): Promise<boolean> {
		return this.persistedNow;
	}
	async persist(): Promise<boolean> {
		this.persistCalls++;
		this.persistedNow = true;
		return true;
	}
}

export function openTestStorage(): { storage: HearthStorage; manager: RecordingStorageManager } {
	const manager = new RecordingStorageManager();
	const db = new HearthDatabase(uniqueDatabaseName(), fakeIndexedDb);
	const storage = openHearthStorage(
		db,
		new PersistenceRequest(manager as unknown as StorageManager)
	);
	return { storage, manager };
}

import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import type { StoredConversation } from './records/conversation';
import type { StoredMessage } from './records/message';
import type { StoredDraft } from './records/draft';
import type { StoredLeasedTask } from './records/leased-task';
import type { OutboxEntry } from './records/outbox-entry';
import type { StoredSetting } from './records/setting';
import type { StoredModelBlob } from './records/model-blob';
import type { StoredContribution } from './records/contribution';
import type { StoredDocument } from './records/document';
import { storesV1, storesV2, storesV3, storesV4, upgradeToV2 } from './schema';

export const databaseName = 'hearth';

/** The device's IndexedDB database. Only repositories in this folder read or write it. */
export class HearthDatabase extends Dexie {
	conversations!: EntityTable<StoredConversation, 'id'>;
	messages!: EntityTable<StoredMessage, 'id'>;
	drafts!: EntityTable<StoredDraft, 'key'>;
	tasks!: EntityTable<StoredLeasedTask, 'id'>;
	outbox!: EntityTable<OutboxEntry, 'seq'>;
	settings!: EntityTable<StoredSetting, 'key'>;
	modelBlobs!: EntityTable<StoredModelBlob, 'sha256'>;
	contributions!: EntityTable<StoredContribution, 'taskId'>;
	documents!: EntityTable<StoredDocument, 'id'>;

	/** `options` lets tests pass fake-indexeddb and give each test its own database. */
	constructor(name: string = databaseName, options?: DexieOptions) {
		super(name, options);
		this.version(1).stores(storesV1);
		this.version(2).stores(storesV2).upgrade(upgradeToV2);
		this.version(3).stores(storesV3);
		this.version(4).stores(storesV4);
	}
}

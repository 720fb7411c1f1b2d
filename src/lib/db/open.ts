import { HearthDatabase } from './database';
import { PersistenceRequest } from './persistence';
import { ConversationsRepository } from './conversations';
import { MessagesRepository } from './messages';
import { DraftsRepository } from './drafts';
import { TasksRepository } from './tasks';
import { OutboxRepository } from './outbox';
import { SettingsRepository } from './settings';
import { ModelBlobsRepository } from './model-blobs';
import { ChatThreadRepository } from './chat-thread';
import { ModelInstallsRepository } from './model-installs';
import { ContributionsRepository } from './contributions';
import { DocumentsRepository } from './documents';

/** The database and one repository per table. `db` is for transactions spanning tables. */
export interface HearthStorage {
	db: HearthDatabase;
	conversations: ConversationsRepository;
	messages: MessagesRepository;
	drafts: DraftsRepository;
	tasks: TasksRepository;
	outbox: OutboxRepository;
	settings: SettingsRepository;
	modelBlobs: ModelBlobsRepository;
	chatThread: ChatThreadRepository;
	modelInstalls: ModelInstallsRepository;
	contributions: ContributionsRepository;
	documents: DocumentsRepository;
}

export function openHearthStorage(
	db: HearthDatabase = new HearthDatabase(),
	persistence: PersistenceRequest = new PersistenceRequest(globalThis.navigator?.storage)
): HearthStorage {
	return {
		db,
		conversations: new ConversationsRepository(db),
		messages: new MessagesRepository(db, persistence),
		drafts: new DraftsRepository(db, persistence),
		tasks: new TasksRepository(db),
		outbox: new OutboxRepository(db, persistence),
		settings: new SettingsRepository(db),
		modelBlobs: new ModelBlobsRepository(db),
		chatThread: new ChatThreadRepository(db, persistence),
		modelInstalls: new ModelInstallsRepository(db),
		contributions: new ContributionsRepository(db),
		documents: new DocumentsRepository(db, persistence)
	};
}

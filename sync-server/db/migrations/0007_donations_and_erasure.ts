// Donated chats and taking contributions back. `donations` names each shared chat's tree, so
// its donor can withdraw it by the id their device chose. Withdrawal and account deletion erase
// texts in place: the message row stays (others' replies and reviews still hang from it) with
// an empty text and `erased_at`/`erased_reason` set, so no export ever includes it again and
// the export of withdrawals can list it. A deleted account keeps its row, nameless, with
// `deleted_at` set: reviews and rankings it gave stay as anonymous votes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('donations')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('withdrawn_at', 'bigint')
		.execute();
	// One column per statement: SQLite's ALTER TABLE takes a single action.
	await db.schema.alterTable('messages').addColumn('erased_at', 'bigint').execute();
	await db.schema.alterTable('messages').addColumn('erased_reason', 'text').execute();
	await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
	// The export of withdrawals reads erased messages only.
	await db.schema.createIndex('messages_erased_at').on('messages').column('erased_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropIndex('messages_erased_at').execute();
	await db.schema.alterTable('users').dropColumn('deleted_at').execute();
	await db.schema.alterTable('messages').dropColumn('erased_reason').execute();
	await db.schema.alterTable('messages').dropColumn('erased_at').execute();
	await db.schema.dropTable('donations').execute();
}

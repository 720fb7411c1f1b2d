// Task requests sample trees of one language and state from a random point of the id space
// (sync-server/tasks/lease.ts); this index makes that a range read, however many trees there are.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createIndex('trees_lang_state_id')
		.on('trees')
		.columns(['lang', 'state', 'id'])
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropIndex('trees_lang_state_id').execute();
}

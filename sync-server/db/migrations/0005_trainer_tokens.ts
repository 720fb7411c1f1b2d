// Trainer tokens: the credentials of whoever trains the next model (a GPU box, a scheduled job).
// A trainer token may read exports and publish models, and nothing else: it belongs to no
// account, so it can neither contribute nor moderate nor administer. Kept apart from users'
// roles because it is a machine's key, revoked without touching any person's account.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('trainer_tokens')
		.addColumn('name', 'text', (c) => c.primaryKey())
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable('trainer_tokens').execute();
}

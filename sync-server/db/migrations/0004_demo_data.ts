// Demo data (`npm run admin -- demo-data load`): trees and accounts flagged `demo = 1`, so an
// export leaves them out unless asked, the leaderboard never ranks a demo account, and
// `demo-data remove` finds every row it wrote. Everything else treats them as real trees.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	// One column per statement: SQLite's ALTER TABLE takes a single action.
	await db.schema
		.alterTable('trees')
		.addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema
		.alterTable('users')
		.addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.alterTable('users').dropColumn('demo').execute();
	await db.schema.alterTable('trees').dropColumn('demo').execute();
}

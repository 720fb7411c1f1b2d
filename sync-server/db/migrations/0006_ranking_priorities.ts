// Active learning for rankings: a trainer scores every sibling set waiting for rankings with its
// reward model (higher = more uncertain) and sends the scores (PUT /api/trainer/ranking-priorities);
// the task choice serves the most uncertain sets first (tree-manager/ranking-priority.ts). One row
// per sibling set, named by its parent message; a new PUT replaces them all.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('ranking_priorities')
		.addColumn('parent_id', 'text', (c) =>
			c.primaryKey().references('messages.id').onDelete('cascade')
		)
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id').onDelete('cascade'))
		.addColumn('score', 'double precision', (c) => c.notNull())
		.addColumn('trainer', 'text', (c) => c.notNull())
		.addColumn('set_at', 'bigint', (c) => c.notNull())
		.execute();
	// Leasing reads the priorities of its candidate trees, and the highest scores first.
	await db.schema
		.createIndex('ranking_priorities_tree')
		.on('ranking_priorities')
		.column('tree_id')
		.execute();
	await db.schema
		.createIndex('ranking_priorities_score')
		.on('ranking_priorities')
		.column('score')
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.dropTable('ranking_priorities').execute();
}

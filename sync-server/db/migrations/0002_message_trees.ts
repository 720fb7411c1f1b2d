// The contribution data: message trees with their messages, reviews, rankings, skips and
// flags; task leases; points; the trees' state history and the moderation log; one-time codes
// for linking devices. Users gain a ban and a change counter (the pull cursor), and the push
// log keeps each rejection's code and each application's result, so a retried push is
// answered exactly as the first time.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	// One column per statement: SQLite's ALTER TABLE takes a single action.
	await db.schema
		.alterTable('users')
		.addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema.alterTable('users').addColumn('banned_at', 'bigint').execute();
	await db.schema.alterTable('users').addColumn('banned_reason', 'text').execute();
	await db.schema.alterTable('mutations').addColumn('code', 'text').execute();
	await db.schema.alterTable('mutations').addColumn('result', 'text').execute();

	await db.schema
		.createTable('link_codes')
		.addColumn('code_hash', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('used_at', 'bigint')
		.execute();

	await db.schema
		.createTable('trees')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('lang', 'text', (c) => c.notNull())
		.addColumn('state', 'text', (c) => c.notNull())
		.addColumn('goal_size', 'integer', (c) => c.notNull())
		.addColumn('won_lottery_at', 'bigint')
		.addColumn('origin', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('trees_lang_state').on('trees').columns(['lang', 'state']).execute();

	await db.schema
		.createTable('tree_tags')
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id').onDelete('cascade'))
		.addColumn('tag', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('tree_tags_pk', ['tree_id', 'tag'])
		.execute();
	await db.schema
		.createIndex('tree_tags_tag')
		.on('tree_tags')
		.columns(['tag', 'tree_id'])
		.execute();

	await db.schema
		.createTable('messages')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id').onDelete('cascade'))
		.addColumn('parent_id', 'text', (c) => c.references('messages.id'))
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('prompter', 'assistant')`))
		.addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('text', 'text', (c) => c.notNull())
		.addColumn('lang', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('edited_at', 'bigint')
		// 1 accepted, 0 rejected, null in review.
		.addColumn('review_result', 'integer')
		.addColumn('review_score', 'double precision')
		.addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('red_flags', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('reply_skips', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('rank', 'integer')
		// Reviews calling it spam, and reviews setting a flag the moderators' queue watches.
		.addColumn('spam_reviews', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('flag_reviews', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('synthetic', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('model_name', 'text')
		// Imported oasst data: emojis other than our own counters, and aggregated labels.
		.addColumn('emojis', 'text')
		.addColumn('imported_labels', 'text')
		.addColumn('imported_review_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('task_id', 'text')
		.addColumn('client_id', 'text')
		.addColumn('client_seq', 'bigint')
		// The author's change counter when this row last changed: what pull's cursor follows.
		.addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema.createIndex('messages_tree_id').on('messages').column('tree_id').execute();
	await db.schema
		.createIndex('messages_author_created')
		.on('messages')
		.columns(['author_id', 'created_at'])
		.execute();
	await db.schema
		.createIndex('messages_author_version')
		.on('messages')
		.columns(['author_id', 'version', 'id'])
		.execute();
	// A push entry creates at most one message, whatever happens to the push.
	await db.schema
		.createIndex('messages_client_seq')
		.on('messages')
		.columns(['client_id', 'client_seq'])
		.unique()
		.execute();

	await db.schema
		.createTable('message_flags')
		.addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('reason', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('message_flags_pk', ['message_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('reviews')
		.addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
		.addColumn('reviewer_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id'))
		.addColumn('form', 'text', (c) => c.notNull())
		.addColumn('labels', 'text', (c) => c.notNull())
		.addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('task_id', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('reviews_pk', ['message_id', 'reviewer_id'])
		.execute();
	await db.schema.createIndex('reviews_tree_id').on('reviews').column('tree_id').execute();
	await db.schema
		.createIndex('reviews_reviewer_created')
		.on('reviews')
		.columns(['reviewer_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('rankings')
		.addColumn('parent_id', 'text', (c) => c.notNull().references('messages.id'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id'))
		// Submission order within the tree: the consensus breaks ties by the first ranking.
		.addColumn('position', 'integer', (c) => c.notNull())
		.addColumn('task_type', 'text', (c) => c.notNull())
		.addColumn('shown_ids', 'text', (c) => c.notNull())
		// JSON array, best first; null for "none of these can be ranked".
		.addColumn('ranking', 'text')
		.addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('tau', 'double precision')
		.addColumn('task_id', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('rankings_pk', ['parent_id', 'user_id'])
		.execute();
	await db.schema.createIndex('rankings_tree_id').on('rankings').column('tree_id').execute();
	await db.schema
		.createIndex('rankings_user_created')
		.on('rankings')
		.columns(['user_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('skips')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('offer_key', 'text', (c) => c.notNull())
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id'))
		.addColumn('task_type', 'text', (c) => c.notNull())
		.addColumn('reason', 'text', (c) => c.notNull())
		.addColumn('note', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('skips_pk', ['user_id', 'offer_key'])
		.execute();

	await db.schema
		.createTable('leases')
		// The task id the client holds.
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
		.addColumn('tree_id', 'text', (c) => c.references('trees.id'))
		// null for a new-prompt task, which needs no target.
		.addColumn('offer_key', 'text')
		.addColumn('task_type', 'text', (c) => c.notNull())
		.addColumn('lang', 'text', (c) => c.notNull())
		// The task as handed out (JSON): what was shown is what a submission is checked against.
		.addColumn('task', 'text', (c) => c.notNull())
		.addColumn('tags', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status in ('open', 'done', 'skipped', 'released')`)
		)
		.addColumn('finished_at', 'bigint')
		.execute();
	await db.schema
		.createIndex('leases_client_status')
		.on('leases')
		.columns(['client_id', 'status'])
		.execute();
	await db.schema
		.createIndex('leases_user_status')
		.on('leases')
		.columns(['user_id', 'status'])
		.execute();
	await db.schema
		.createIndex('leases_tree_status')
		.on('leases')
		.columns(['tree_id', 'status'])
		.execute();

	await db.schema
		.createTable('awards')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
		.addColumn('points', 'double precision', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		// The message the points are for: written, accepted, labelled, ranked (its replies' parent).
		.addColumn('message_id', 'text')
		.addColumn('tree_id', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('awards_user_created')
		.on('awards')
		.columns(['user_id', 'created_at'])
		.execute();
	await db.schema.createIndex('awards_created').on('awards').column('created_at').execute();
	await db.schema
		.createIndex('awards_user_message')
		.on('awards')
		.columns(['user_id', 'message_id'])
		.execute();

	await db.schema
		.createTable('tree_events')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('tree_id', 'text', (c) => c.notNull().references('trees.id'))
		.addColumn('from_state', 'text')
		.addColumn('to_state', 'text', (c) => c.notNull())
		.addColumn('reason', 'text', (c) => c.notNull())
		.addColumn('actor_id', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('tree_events_tree')
		.on('tree_events')
		.columns(['tree_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('moderation_events')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('moderator_id', 'text')
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('target_id', 'text', (c) => c.notNull())
		.addColumn('reason', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const table of [
		'moderation_events',
		'tree_events',
		'awards',
		'leases',
		'skips',
		'rankings',
		'reviews',
		'message_flags',
		'messages',
		'tree_tags',
		'trees',
		'link_codes'
	]) {
		await db.schema.dropTable(table).execute();
	}
	await db.schema.alterTable('mutations').dropColumn('result').execute();
	await db.schema.alterTable('mutations').dropColumn('code').execute();
	await db.schema.alterTable('users').dropColumn('banned_reason').execute();
	await db.schema.alterTable('users').dropColumn('banned_at').execute();
	await db.schema.alterTable('users').dropColumn('version').execute();
}

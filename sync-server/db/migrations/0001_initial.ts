// Identity and the exactly-once push log: users, their devices' hashed tokens, the clients
// (outbox streams) with their last applied seq, and the log of processed mutations.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('users')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) =>
			c
				.notNull()
				.defaultTo('contributor')
				.check(sql`role in ('contributor', 'moderator', 'admin')`)
		)
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('devices')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('last_seen_at', 'bigint')
		.execute();
	await db.schema.createIndex('devices_user_id').on('devices').column('user_id').execute();

	await db.schema
		.createTable('clients')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
		.addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('clients_device_id').on('clients').column('device_id').execute();

	await db.schema
		.createTable('mutations')
		.addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
		.addColumn('seq', 'bigint', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('args', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('applied', 'rejected')`))
		.addColumn('reason', 'text')
		.addColumn('processed_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('mutations_pk', ['client_id', 'seq'])
		.execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	for (const table of ['mutations', 'clients', 'devices', 'users']) {
		await db.schema.dropTable(table).execute();
	}
}

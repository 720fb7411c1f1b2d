// Child process for the concurrent-start test: one "server start" migrating the database whose
// configuration is given as JSON in argv[2]. It connects, prints `ready`, waits for a line on
// stdin (so two children begin within a millisecond of each other), migrates, and prints the
// names of the migrations it applied as JSON.
import { once } from 'node:events';
import { sql } from 'kysely';
import { openDatabase, type DatabaseConfig } from '../../../sync-server/db/database';
import { migrateToLatest } from '../../../sync-server/db/migrate';

const database = openDatabase(JSON.parse(process.argv[2]) as DatabaseConfig);
try {
	await sql`select 1`.execute(database.db);
	console.log('ready');
	await once(process.stdin, 'data');
	console.log(JSON.stringify(await migrateToLatest(database.db)));
} finally {
	await database.close();
	process.stdin.destroy();
}

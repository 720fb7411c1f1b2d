// Assistant replies written with tools (issue 14): the rounds of calls and results a contributor
// ran before writing the final answer, as the JSON the sync protocol's `toolSteps` carried
// (`ReplyToolStep[]`, src/lib/protocol/tools.ts). Null for every other message; erasure nulls it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema.alterTable('messages').addColumn('tool_steps', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
	await db.schema.alterTable('messages').dropColumn('tool_steps').execute();
}

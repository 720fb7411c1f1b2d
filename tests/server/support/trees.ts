// Reading a test server's database directly, for what the API does not show.
import type { Kysely } from 'kysely';
import type { Tables } from '../../../sync-server/db/schema';

/** Every table that holds what people and trainers sent, for comparing or searching them whole. */
export const dataTables: (keyof Tables)[] = [
	'users',
	'devices',
	'clients',
	'mutations',
	'link_codes',
	'trees',
	'tree_tags',
	'messages',
	'message_flags',
	'reviews',
	'rankings',
	'skips',
	'leases',
	'awards',
	'tree_events',
	'moderation_events',
	'trainer_tokens',
	'ranking_priorities',
	'donations'
];

export async function treeState(db: Kysely<Tables>, treeId: string): Promise<string> {
	const row = await db
		.selectFrom('trees')
		.select('state')
		.where('id', '=', treeId)
		.executeTakeFirstOrThrow();
	return row.state;
}

// The user's own messages as they see them: status, rank, the tree's state, whether they can
// still edit it, and where it came from (task, client, seq) so the app can match its drafts.
import type { Kysely } from 'kysely';
import type { OwnMessage } from '../../src/lib/protocol/sync';
import { messageStatus, type TreeState } from '../../src/lib/protocol/trees';
import type { Tables } from '../db/schema';

export function ownMessagesQuery(db: Kysely<Tables>) {
	return db
		.selectFrom('messages')
		.innerJoin('trees', 'trees.id', 'messages.tree_id')
		.select((eb) => [
			'messages.id',
			'messages.tree_id',
			'messages.parent_id',
			'messages.role',
			'messages.text',
			'messages.lang',
			'messages.review_result',
			'messages.deleted',
			'messages.late',
			'messages.rank',
			'messages.created_at',
			'messages.task_id',
			'messages.client_id',
			'messages.client_seq',
			'messages.version',
			'trees.state as tree_state',
			eb
				.exists(
					eb
						.selectFrom('reviews')
						.select('reviews.message_id')
						.whereRef('reviews.message_id', '=', 'messages.id')
				)
				.as('reviewed')
		]);
}

type OwnMessageRow = Awaited<ReturnType<ReturnType<typeof ownMessagesQuery>['execute']>>[number];

export function toOwnMessage(row: OwnMessageRow): OwnMessage {
	const deleted = row.deleted === 1;
	return {
		id: row.id,
		treeId: row.tree_id,
		parentId: row.parent_id,
		role: row.role,
		type: row.parent_id === null ? 'initial_prompt' : `${row.role}_reply`,
		text: row.text,
		lang: row.lang,
		status: messageStatus({
			reviewResult: row.review_result === null ? null : row.review_result === 1,
			deleted
		}),
		late: row.late === 1,
		rank: row.rank,
		treeState: row.tree_state as TreeState,
		editable: !deleted && !row.reviewed,
		createdAt: row.created_at,
		taskId: row.task_id,
		clientId: row.client_id,
		seq: row.client_seq
	};
}

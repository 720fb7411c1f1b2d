// Inserting trees and messages. Every inserted message is recorded as a change its author
// sees on pull.
import { randomUUID } from 'node:crypto';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import type { MessageRole } from '../../src/lib/protocol/trees';
import type { TreeMessage, TreeSnapshot } from '../tree-manager/snapshot';
import type { WriteSession } from './write-session';

export interface NewMessage {
	id: string;
	treeId: string;
	parentId: string | null;
	role: MessageRole;
	authorId: string;
	text: string;
	lang: string;
	/** Arrived after the tree stopped growing: kept, never reviewed or ranked. */
	late: boolean;
	/** Where it came from: the task, and the outbox entry (client and seq). */
	taskId: string | null;
	clientId: string | null;
	seq: number | null;
	/** A model's reply in a donated chat: its model (`name@version`) and the donor's thumbs. */
	synthetic?: { modelName: string; emojis: Record<string, number> | null };
	/** An assistant reply's tool rounds, as the protocol checked them. */
	toolSteps?: ReplyToolStep[];
	/** Defaults to the session's time; a donated chat's messages are spaced by a millisecond so
	 * that parents sort before their replies. */
	createdAt?: number;
}

export async function insertMessage(session: WriteSession, m: NewMessage): Promise<TreeMessage> {
	await session.trx
		.insertInto('messages')
		.values({
			id: m.id,
			tree_id: m.treeId,
			parent_id: m.parentId,
			role: m.role,
			author_id: m.authorId,
			text: m.text,
			lang: m.lang,
			created_at: m.createdAt ?? session.now,
			late: m.late ? 1 : 0,
			task_id: m.taskId,
			client_id: m.clientId,
			client_seq: m.seq,
			...(m.synthetic && {
				synthetic: 1,
				model_name: m.synthetic.modelName,
				emojis: m.synthetic.emojis && JSON.stringify(m.synthetic.emojis)
			}),
			...(m.toolSteps && { tool_steps: JSON.stringify(m.toolSteps) })
		})
		.execute();
	session.touch(m.authorId, m.id);
	return {
		id: m.id,
		parentId: m.parentId,
		role: m.role,
		authorId: m.authorId,
		text: m.text,
		lang: m.lang,
		createdAt: m.createdAt ?? session.now,
		reviewResult: null,
		deleted: false,
		redFlags: 0,
		replySkips: 0,
		rank: null,
		...(m.synthetic && { synthetic: true }),
		...(m.toolSteps && { toolSteps: m.toolSteps })
	};
}

/** The `trees` row of `tree`, however it came to exist (a new prompt, an import, demo data). */
export function treeRow(
	tree: Pick<TreeSnapshot, 'id' | 'lang' | 'state' | 'goalSize' | 'wonLotteryAt'>,
	origin: string | null,
	createdAt: number,
	updatedAt: number
) {
	return {
		id: tree.id,
		lang: tree.lang,
		state: tree.state,
		goal_size: tree.goalSize,
		won_lottery_at: tree.wonLotteryAt,
		origin,
		created_at: createdAt,
		updated_at: updatedAt
	};
}

/** The tree row of a new tree (its root message is inserted separately), with its tags. */
export async function insertTreeRow(
	session: WriteSession,
	tree: TreeSnapshot,
	{ tags, origin }: { tags: readonly string[]; origin: string | null }
): Promise<void> {
	await session.trx
		.insertInto('trees')
		.values(treeRow(tree, origin, session.now, session.now))
		.execute();
	if (tags.length > 0) {
		await session.trx
			.insertInto('tree_tags')
			.values([...new Set(tags)].map((tag) => ({ tree_id: tree.id, tag })))
			.execute();
	}
	await session.trx
		.insertInto('tree_events')
		.values({
			id: randomUUID(),
			tree_id: tree.id,
			from_state: null,
			to_state: tree.state,
			reason: 'tree created',
			actor_id: null,
			created_at: session.now
		})
		.execute();
}

// Writing points: every award is a row (who, how many, for what, when), so leaderboards over
// any window, a contributor's breakdown and the points of each contribution are sums of rows.
import { randomUUID } from 'node:crypto';
import type { AwardKind } from '../../src/lib/protocol/points';
import type { WriteSession } from './write-session';

export interface AwardRow {
	userId: string;
	points: number;
	kind: AwardKind;
	/** The message the points are for: written, accepted or labelled; the parent of ranked replies. */
	messageId: string | null;
	treeId: string | null;
}

export async function insertAwards(
	session: WriteSession,
	awards: readonly AwardRow[]
): Promise<void> {
	const rows = awards
		.filter((a) => a.points > 0)
		.map((a) => ({
			id: randomUUID(),
			user_id: a.userId,
			points: a.points,
			kind: a.kind,
			message_id: a.messageId,
			tree_id: a.treeId,
			created_at: session.now
		}));
	if (rows.length > 0) await session.trx.insertInto('awards').values(rows).execute();
}

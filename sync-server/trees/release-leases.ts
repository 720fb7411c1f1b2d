// Taking back the open leases of a tree (halted, or holding erased texts) or of a user (banned).
import type { WriteSession } from './write-session';

/** Open leases on a tree (or of a user) are taken back: pull stops listing them. */
export async function releaseLeases(
	session: WriteSession,
	where: { treeId: string } | { userId: string }
): Promise<number> {
	const result = await session.trx
		.updateTable('leases')
		.set({ status: 'released', finished_at: session.now })
		.where('status', '=', 'open')
		.where(
			'treeId' in where ? 'tree_id' : 'user_id',
			'=',
			'treeId' in where ? where.treeId : where.userId
		)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

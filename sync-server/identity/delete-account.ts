// `DELETE /api/me`: a person deletes their account and everything they wrote. Every message
// they wrote is erased (erasure/erase-messages.ts: others' replies under it stay theirs but leave
// the exports with it), their donations count as withdrawn, their devices are signed out (their
// pushed mutations go with them), and their points leave the leaderboards. What stays, nameless:
// the labels and rankings they gave, which are votes on other people's messages and decided
// those messages' fate. Published models learnt what they learnt; the next version will not.
import type { DeletedAccount } from '../../src/lib/protocol/donations';
import { inWriteTransaction } from '../db/transaction';
import { eraseMessages } from '../erasure/erase-messages';
import { ApiHttpError } from '../http/api-error';
import type { Service } from '../service/service';
import { runDueLottery } from '../trees/lottery-runner';
import { WriteSession } from '../trees/write-session';
import type { Caller } from './authenticate';

export const DELETED_DISPLAY_NAME = 'deleted account';

export async function deleteAccount(
	service: Service,
	caller: Caller,
	confirmDisplayName: string
): Promise<DeletedAccount> {
	if (confirmDisplayName.trim() !== caller.displayName) {
		throw new ApiHttpError(
			400,
			'invalid_request',
			`type the account's display name, "${caller.displayName}", to confirm its deletion`
		);
	}
	return inWriteTransaction(service.database, async (trx) => {
		const session = new WriteSession(trx, service, service.config.clock());
		const userId = caller.userId;
		const messages = await trx
			.selectFrom('messages')
			.select(['id', 'tree_id'])
			.where('author_id', '=', userId)
			.where('erased_at', 'is', null)
			.orderBy('tree_id')
			.execute();
		const byTree = new Map<string, string[]>();
		for (const m of messages) byTree.set(m.tree_id, [...(byTree.get(m.tree_id) ?? []), m.id]);
		let erasedMessages = 0;
		for (const [treeId, ids] of byTree) {
			erasedMessages += await eraseMessages(session, treeId, ids, 'account_deleted');
		}
		const withdrawn = await trx
			.updateTable('donations')
			.set({ withdrawn_at: session.now })
			.where('user_id', '=', userId)
			.where('withdrawn_at', 'is', null)
			.executeTakeFirst();
		// Leases first: they point at the clients the devices take with them.
		await trx.deleteFrom('leases').where('user_id', '=', userId).execute();
		await trx.deleteFrom('link_codes').where('user_id', '=', userId).execute();
		await trx.deleteFrom('devices').where('user_id', '=', userId).execute();
		await trx.deleteFrom('awards').where('user_id', '=', userId).execute();
		await trx.updateTable('skips').set({ note: null }).where('user_id', '=', userId).execute();
		await trx
			.updateTable('message_flags')
			.set({ reason: null })
			.where('user_id', '=', userId)
			.execute();
		await trx
			.updateTable('users')
			.set({ display_name: DELETED_DISPLAY_NAME, deleted_at: session.now })
			.where('id', '=', userId)
			.execute();
		await runDueLottery(session);
		await session.flush();
		return { erasedMessages, withdrawnDonations: Number(withdrawn.numUpdatedRows) };
	});
}

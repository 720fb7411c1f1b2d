// `withdraw_donation`: the donor takes a shared chat back. Its texts are erased (see
// erasure/erase-messages.ts), so it is never exported or trained on again; withdrawing twice
// changes nothing the second time.
import type { MutationArgs } from '../../src/lib/protocol/sync';
import { eraseMessages } from '../erasure/erase-messages';
import { reject, type MutationContext, type MutationResult } from '../tasks/mutation-context';

export async function withdrawDonation(
	ctx: MutationContext,
	{ donationId }: MutationArgs<'withdraw_donation'>
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const donation = await session.trx
		.selectFrom('donations')
		.select(['tree_id', 'withdrawn_at'])
		.where('id', '=', donationId)
		.where('user_id', '=', caller.userId)
		.executeTakeFirst();
	if (!donation) reject('target_missing', 'You shared no chat with this id.');
	if (donation.withdrawn_at === null) {
		const own = await session.trx
			.selectFrom('messages')
			.select('id')
			.where('tree_id', '=', donation.tree_id)
			.where('author_id', '=', caller.userId)
			.execute();
		await eraseMessages(
			session,
			donation.tree_id,
			own.map((m) => m.id),
			'withdrawn'
		);
		await session.trx
			.updateTable('donations')
			.set({ withdrawn_at: session.now })
			.where('id', '=', donationId)
			.execute();
	}
	return { messageId: donation.tree_id };
}

// Sharing a chat and taking it back, on the device: each queues its mutation for the server and
// marks the conversation in the same transaction, so a crash keeps both or neither, and the
// outbox delivers it exactly once whenever the device is next online.
import type { HearthStorage } from '$lib/db/open';
import type { ConversationDonation } from '$lib/db/records/conversation';
import { DONATION_LICENCE, type DonatedMessage } from '$lib/protocol/donations';
import type { QueuedMutation } from '$lib/sync/outbox-batch';

export async function queueDonation(
	storage: HearthStorage,
	conversationId: string,
	donation: { lang: string; messages: DonatedMessage[] },
	now: number = Date.now()
): Promise<ConversationDonation> {
	const { db } = storage;
	return db.transaction('rw', [db.outbox, db.conversations], async () => {
		const conversation = await storage.conversations.get(conversationId);
		if (!conversation) throw new Error('This conversation no longer exists.');
		if (conversation.donation && conversation.donation.withdrawnAt === undefined) {
			throw new Error('This conversation is shared already.');
		}
		const shared: ConversationDonation = { id: crypto.randomUUID(), sharedAt: now };
		const mutation: QueuedMutation = {
			name: 'donate_chat',
			args: { donationId: shared.id, licence: DONATION_LICENCE.id, ...donation }
		};
		await storage.outbox.enqueue(mutation, now);
		await storage.conversations.update(conversationId, { donation: shared }, now);
		return shared;
	});
}

export async function queueWithdrawal(
	storage: HearthStorage,
	conversationId: string,
	now: number = Date.now()
): Promise<ConversationDonation> {
	const { db } = storage;
	return db.transaction('rw', [db.outbox, db.conversations], async () => {
		const donation = (await storage.conversations.get(conversationId))?.donation;
		if (!donation || donation.withdrawnAt !== undefined) {
			throw new Error('This conversation is not shared.');
		}
		const mutation: QueuedMutation = {
			name: 'withdraw_donation',
			args: { donationId: donation.id }
		};
		await storage.outbox.enqueue(mutation, now);
		const withdrawn = { ...donation, withdrawnAt: now };
		await storage.conversations.update(conversationId, { donation: withdrawn }, now);
		return withdrawn;
	});
}

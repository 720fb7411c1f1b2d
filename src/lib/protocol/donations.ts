// Donated chats and taking contributions back, on the wire. A person shares a chat from their
// device ("Share to improve Hearth"): the server receives it as a new message tree of origin
// `donation`, its assistant messages marked synthetic with the model and version that wrote
// them (and the tool calls they made), and the person's thumbs as oasst emoji counts. A donation
// can be withdrawn, and an account deleted with everything its person wrote: the texts are
// erased, not only hidden.
// Browser-safe: zod only, no I/O.
import { z } from 'zod';
import { TEXT_BODY_CEILING } from './tasks';
import { replyToolStepsSchema } from './tools';
import { entityIdSchema, langSchema, messageRoleSchema } from './trees';

/** The emoji count that marks the reply a person kept among regenerated ones (oasst emojis are free-form counts). */
export const KEPT_EMOJI = '_kept';

/** The licence donated chats are published under, in exports and datasets. */
export const DONATION_LICENCE = {
	id: 'CC-BY-4.0',
	name: 'Creative Commons Attribution 4.0',
	url: 'https://creativecommons.org/licenses/by/4.0/'
} as const;

/** The tree origin of a donated chat, as exports and the pipeline's source counts name it. */
export const DONATION_ORIGIN = 'donation';

/** A donated chat holds at most this many messages (a long chat with every regeneration). */
export const MAX_DONATED_MESSAGES = 200;

/**
 * The oasst `model_name` of a reply (donated or sampled on a device): the model's id, and `@<version>` when a registry version
 * wrote it (as `--from <model>@<version>` names it), so one string field says both.
 */
export function versionedModelName(model: string, version: number | null | undefined): string {
	return version === null || version === undefined ? model : `${model}@${version}`;
}

export const donatedMessageSchema = z.object({
	/** The message's id on the device; only used to link parents within this donation. */
	ref: entityIdSchema,
	parentRef: entityIdSchema.nullable(),
	role: messageRoleSchema,
	text: z
		.string()
		.max(TEXT_BODY_CEILING)
		.refine((text) => text.trim().length > 0, 'must not be empty'),
	/** Who wrote an assistant reply (`versionedModelName`); null for the person's own messages. */
	modelName: z.string().trim().min(1).max(200).nullable(),
	/** The person's thumb on a reply, when they chose to share thumbs. */
	vote: z.enum(['up', 'down']).nullable(),
	/**
	 * Of a reply the person regenerated: the one they kept (their visible thread went on with
	 * it). It is a preference over its siblings, exported as the emoji count `_kept`.
	 */
	kept: z.boolean().default(false),
	/**
	 * Of a reply that called tools: its rounds of calls with their results, as a written reply
	 * carries them (`replyToolStepsSchema`); `text` is the answer after the last round.
	 */
	toolSteps: replyToolStepsSchema.optional()
});
export type DonatedMessage = z.output<typeof donatedMessageSchema>;

/** Parents come before their children, roles alternate, and only replies carry a model or vote. */
function checkDonatedTree(messages: readonly DonatedMessage[], ctx: z.RefinementCtx): void {
	const roles = new Map<string, DonatedMessage['role']>();
	messages.forEach((m, i) => {
		const issue = (message: string) => ctx.addIssue({ code: 'custom', path: [i], message });
		if (roles.has(m.ref)) issue(`repeats the ref ${m.ref}`);
		if (i === 0 && m.parentRef !== null) issue('must be the first message of the chat');
		if (i > 0 && m.parentRef === null)
			issue('must answer an earlier message: only one may start the chat');
		if (m.parentRef !== null && !roles.has(m.parentRef)) {
			issue(`answers ${m.parentRef}, which is not an earlier message of this chat`);
		}
		const parentRole = m.parentRef === null ? 'assistant' : roles.get(m.parentRef);
		if (parentRole === m.role) issue(`a ${m.role} message must answer a message of the other role`);
		if (m.role === 'assistant' && m.modelName === null)
			issue('an assistant reply must name its model');
		if (m.role === 'prompter' && (m.modelName !== null || m.vote !== null || m.kept)) {
			issue("the person's own message has no model, no vote and is not a kept reply");
		}
		if (m.role === 'prompter' && m.toolSteps) issue('only an assistant reply calls tools');
		if (m.kept && messages.some((o, j) => j < i && o.kept && o.parentRef === m.parentRef)) {
			issue('only one reply to a message can be the one kept');
		}
		roles.set(m.ref, m.role);
	});
}

export const donateChatSchema = z.object({
	/** Chosen by the device, once per donation: a second donation with it is refused. */
	donationId: entityIdSchema,
	lang: langSchema,
	/** The person agreed to publish the chat under this licence. */
	licence: z.literal(DONATION_LICENCE.id, {
		error: `must be "${DONATION_LICENCE.id}", the licence the person agreed to`
	}),
	/** Root first, each parent before its replies. */
	messages: z
		.array(donatedMessageSchema)
		.min(2, 'must hold a message and a reply')
		.max(MAX_DONATED_MESSAGES, `must hold at most ${MAX_DONATED_MESSAGES} messages`)
		.superRefine(checkDonatedTree)
});
export type DonateChat = z.infer<typeof donateChatSchema>;

export const withdrawDonationSchema = z.object({ donationId: entityIdSchema });

/** `DELETE /api/me`: the person types their display name to confirm, as the UI asks. */
export const deleteAccountRequestSchema = z.object({ confirmDisplayName: z.string().max(100) });

export const deletedAccountSchema = z.object({
	/** Messages whose text was erased. */
	erasedMessages: z.number().int().min(0),
	/** Donations withdrawn with the account. */
	withdrawnDonations: z.number().int().min(0)
});
export type DeletedAccount = z.infer<typeof deletedAccountSchema>;

/** One erased message in `GET /api/export/withdrawn`, for downstream copies of earlier exports. */
export const withdrawnMessageSchema = z.object({
	message_id: z.string(),
	message_tree_id: z.string(),
	/** ISO 8601. */
	withdrawn_date: z.string(),
	reason: z.enum(['withdrawn', 'account_deleted'])
});
export type WithdrawnMessage = z.infer<typeof withdrawnMessageSchema>;

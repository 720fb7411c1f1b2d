// `donate_chat`: a chat a person shared from their device becomes a new message tree of origin
// `donation`. It enters the normal review like a new prompt: its prompt is labelled, wins the
// lottery, and then its replies are labelled, contributors may add replies of their own, and
// sibling replies (regenerations, or people's answers beside the model's) get ranked. The
// model's replies are synthetic, named by model and version, and carry the donor's thumbs and
// which regenerated reply they kept as oasst emoji counts (`+1`, `-1`, `_kept`); a reply that
// called tools keeps its calls and results, each call checked against its tool's own arguments.
// Each message obeys the configured text length; the repeat rule does not apply, since a chat
// legitimately repeats what its person wrote elsewhere.
import { randomUUID } from 'node:crypto';
import {
	DONATION_ORIGIN,
	KEPT_EMOJI,
	type DonateChat,
	type DonatedMessage
} from '../../src/lib/protocol/donations';
import { checkText } from '../tree-manager/submissions';
import { newTree } from '../tree-manager/state-machine';
import { settleAndPersist } from '../trees/persist-settlement';
import { insertMessage, insertTreeRow } from '../trees/tree-writes';
import { toolArgumentsProblem } from '../tasks/tool-arguments';
import {
	ensure,
	reject,
	type MutationContext,
	type MutationResult
} from '../tasks/mutation-context';

const voteEmoji = { up: '+1', down: '-1' } as const;

/** The donor's thumb, and the mark of the reply they kept among regenerated ones. */
function emojisOf(m: DonatedMessage): Record<string, number> | null {
	const emojis = {
		...(m.vote === null ? {} : { [voteEmoji[m.vote]]: 1 }),
		...(m.kept ? { [KEPT_EMOJI]: 1 } : {})
	};
	return Object.keys(emojis).length > 0 ? emojis : null;
}

export async function donateChat(
	ctx: MutationContext,
	donation: DonateChat
): Promise<MutationResult> {
	const { session, caller } = ctx;
	const earlier = await session.trx
		.selectFrom('donations')
		.select('id')
		.where('id', '=', donation.donationId)
		.executeTakeFirst();
	if (earlier) reject('already_donated', 'This chat was shared already.');
	for (const [i, m] of donation.messages.entries()) {
		ensure(checkText(m.text, [], session.now, session.treeConfig));
		const toolProblem = m.toolSteps
			? toolArgumentsProblem(m.toolSteps, `args.messages[${i}].toolSteps`)
			: null;
		if (toolProblem) reject('invalid_args', toolProblem);
	}

	const [root] = donation.messages;
	const idOf = new Map(donation.messages.map((m) => [m.ref, randomUUID()]));
	const tree = newTree(
		{
			id: idOf.get(root.ref)!,
			authorId: caller.userId,
			text: root.text,
			lang: donation.lang,
			createdAt: session.now
		},
		session.treeConfig
	);
	await insertTreeRow(session, tree, { tags: [], origin: DONATION_ORIGIN });
	const messages = [];
	for (const [i, m] of donation.messages.entries()) {
		messages.push(
			await insertMessage(session, {
				id: idOf.get(m.ref)!,
				treeId: tree.id,
				parentId: m.parentRef === null ? null : idOf.get(m.parentRef)!,
				role: m.role,
				authorId: caller.userId,
				text: m.text,
				lang: donation.lang,
				late: false,
				taskId: null,
				// One push entry made them all; the log links it to the tree's first message.
				clientId: i === 0 ? ctx.clientId : null,
				seq: i === 0 ? ctx.seq : null,
				createdAt: session.now + i,
				...(m.role === 'assistant' && {
					synthetic: {
						modelName: m.modelName!,
						emojis: emojisOf(m)
					}
				}),
				...(m.toolSteps && { toolSteps: m.toolSteps })
			})
		);
	}
	await session.trx
		.insertInto('donations')
		.values({
			id: donation.donationId,
			user_id: caller.userId,
			tree_id: tree.id,
			created_at: session.now,
			withdrawn_at: null
		})
		.execute();
	await settleAndPersist(session, { ...tree, messages });
	return { messageId: tree.id };
}

// Whether a submitted piece of work can be applied to the tree as it is now. Work done offline
// may arrive long after its task was leased, when the tree has moved on: it is still accepted
// while its target is valid (the parent of a reply, the labelled message, the ranked replies
// still there), flagged `late` when it will no longer influence the tree, and otherwise
// rejected with a reason the contributor can read.
import type { LabelTaskType, RankTaskType, TextTaskType } from '../../src/lib/protocol/tasks';
import { replyRole, type MessageRole, type TreeState } from '../../src/lib/protocol/trees';
import type { TreeManagerConfig } from './config';
import { isAccepted, sampleRoom } from './growth';
import { childrenOf, depthOf, messageById, reviewsOf, type TreeSnapshot } from './snapshot';

export type RejectionCode =
	| 'text_empty'
	| 'text_too_long'
	| 'duplicate_text'
	| 'tree_closed'
	| 'target_missing'
	| 'target_deleted'
	| 'parent_not_accepted'
	| 'too_deep'
	| 'wrong_task_type'
	| 'own_message'
	| 'already_done'
	| 'ranking_mismatch'
	| 'replies_gone'
	| 'already_reviewed'
	| 'not_author'
	| 'too_many_samples';

export interface Rejection {
	ok: false;
	code: RejectionCode;
	message: string;
}

export type Verdict<T extends object = object> = ({ ok: true } & T) | Rejection;

const reject = (code: RejectionCode, message: string): Rejection => ({ ok: false, code, message });

/** Length in Unicode code points, so an emoji counts as one character. */
export function characterCount(text: string): number {
	return [...text].length;
}

/**
 * The text rules every written message obeys: not blank, at most `maxChars` characters, and
 * not the same as a text the same user sent within the duplicate window (`recent` holds the
 * user's texts with their times; older ones are ignored).
 */
export function checkText(
	text: string,
	recent: readonly { text: string; at: number }[],
	now: number,
	config: TreeManagerConfig
): Verdict {
	const trimmed = text.trim();
	if (trimmed.length === 0) return reject('text_empty', 'The text is empty.');
	const length = characterCount(text);
	if (length > config.text.maxChars) {
		return reject(
			'text_too_long',
			`The text has ${length} characters; at most ${config.text.maxChars} are allowed.`
		);
	}
	const since = now - config.text.duplicateWindowMs;
	if (recent.some((r) => r.at >= since && r.text.trim() === trimmed)) {
		const hours = config.text.duplicateWindowMs / 3_600_000;
		return reject('duplicate_text', `You sent the same text within the last ${hours} h.`);
	}
	return { ok: true };
}

/** States in which a reply is stored (late ones too: people put work into them). */
const replyStates: ReadonlySet<TreeState> = new Set([
	'growing',
	'ranking',
	'ready_for_scoring',
	'ready_for_export'
]);

/**
 * A reply (`prompter_reply` or `assistant_reply`) to `parentId` by `authorId`. `late` means
 * the tree stopped growing: the reply is kept (and exported) but never reviewed or ranked.
 */
export function checkReply(
	tree: TreeSnapshot,
	reply: { type: Exclude<TextTaskType, 'initial_prompt'>; parentId: string; authorId: string },
	config: TreeManagerConfig
): Verdict<{ role: MessageRole; late: boolean }> {
	if (!replyStates.has(tree.state)) {
		return reject('tree_closed', `The conversation no longer takes replies (${tree.state}).`);
	}
	const parent = messageById(tree, reply.parentId);
	if (!parent) return reject('target_missing', `Message ${reply.parentId} is not in this tree.`);
	if (parent.deleted) return reject('target_deleted', 'The message you replied to was deleted.');
	if (!isAccepted(parent)) {
		return reject('parent_not_accepted', 'The message you replied to did not pass review.');
	}
	const role = replyRole(parent.role);
	if (reply.type !== `${role}_reply`) {
		return reject('wrong_task_type', `A ${parent.role} message needs a ${role} reply.`);
	}
	if (depthOf(tree, parent.id) + 1 >= config.growth.maxDepth) {
		return reject('too_deep', 'The conversation is already as long as it may get.');
	}
	if (parent.authorId === reply.authorId) {
		return reject('own_message', 'You cannot reply to your own message.');
	}
	if (childrenOf(tree, parent.id).some((c) => !c.deleted && c.authorId === reply.authorId)) {
		return reject('already_done', 'You already replied to this message.');
	}
	return { ok: true, role, late: tree.state !== 'growing' };
}

/**
 * `count` replies sampled from a model on `authorId`'s device, answering `parentId`: a reply by
 * the contributor as far as the reply rules go, within the room the parent has for samples.
 */
export function checkSamples(
	tree: TreeSnapshot,
	samples: { parentId: string; authorId: string; count: number },
	config: TreeManagerConfig
): Verdict<{ late: boolean }> {
	const reply = checkReply(
		tree,
		{ type: 'assistant_reply', parentId: samples.parentId, authorId: samples.authorId },
		config
	);
	if (!reply.ok) return reply;
	const room = sampleRoom(tree, samples.parentId, config);
	if (samples.count > room) {
		return reject(
			'too_many_samples',
			`This message has room for ${room} more model ${room === 1 ? 'reply' : 'replies'}, not ${samples.count}: keep fewer.`
		);
	}
	return { ok: true, late: reply.late };
}

const labelTaskTypeOf = (parentId: string | null, role: MessageRole): LabelTaskType =>
	parentId === null ? 'label_initial_prompt' : `label_${role}_reply`;

/**
 * A label review of `messageId`. `late` means it no longer decides the message's review
 * (the tree moved past review); it is still stored, counts for points and agreement.
 */
export function checkLabels(
	tree: TreeSnapshot,
	labels: { type: LabelTaskType; messageId: string; reviewerId: string }
): Verdict<{ late: boolean }> {
	const message = messageById(tree, labels.messageId);
	if (!message) return reject('target_missing', `Message ${labels.messageId} is not in this tree.`);
	if (message.deleted) return reject('target_deleted', 'The message was deleted.');
	const expected = labelTaskTypeOf(message.parentId, message.role);
	if (labels.type !== expected) {
		return reject('wrong_task_type', `This message is labelled with a ${expected} task.`);
	}
	if (message.authorId === labels.reviewerId) {
		return reject('own_message', 'You cannot label your own message.');
	}
	if (reviewsOf(tree, message.id).some((r) => r.reviewerId === labels.reviewerId)) {
		return reject('already_done', 'You already labelled this message.');
	}
	// A rejected reply can still be accepted by further reviews while its tree grows.
	const decides =
		message.reviewResult !== true &&
		(message.parentId === null ? tree.state === 'initial_prompt_review' : tree.state === 'growing');
	return { ok: true, late: !decides };
}

/** States in which rankings are stored; after scoring they are kept but change nothing. */
const rankingStates: ReadonlySet<TreeState> = new Set([
	'ranking',
	'ready_for_scoring',
	'ready_for_export'
]);

/**
 * A ranking of the replies to `parentId` that the task showed (`shownIds`): `ranking` must
 * order exactly those (or be null for "not rankable"). Replies deleted or rejected since are
 * tolerated while at least two of the shown ones still count.
 */
export function checkRanking(
	tree: TreeSnapshot,
	ranking: {
		type: RankTaskType;
		parentId: string;
		userId: string;
		shownIds: readonly string[];
		ranking: readonly string[] | null;
	}
): Verdict<{ late: boolean }> {
	if (!rankingStates.has(tree.state)) {
		return reject('tree_closed', `The conversation no longer takes rankings (${tree.state}).`);
	}
	const parent = messageById(tree, ranking.parentId);
	if (!parent) return reject('target_missing', `Message ${ranking.parentId} is not in this tree.`);
	if (parent.deleted) return reject('target_deleted', 'The ranked conversation was deleted.');
	const children = childrenOf(tree, parent.id);
	const shown = ranking.shownIds.map((id) => children.find((c) => c.id === id));
	if (shown.some((c) => c === undefined)) {
		return reject('ranking_mismatch', 'The task showed replies that are not in this conversation.');
	}
	const role = replyRole(parent.role);
	if (ranking.type !== `rank_${role}_replies`) {
		return reject('wrong_task_type', `Replies to a ${parent.role} message are ${role} replies.`);
	}
	if (ranking.ranking !== null) {
		const given = new Set(ranking.ranking);
		const missing = ranking.shownIds.filter((id) => !given.has(id));
		const extra = ranking.ranking.filter((id) => !ranking.shownIds.includes(id));
		if (missing.length > 0 || extra.length > 0 || given.size !== ranking.ranking.length) {
			return reject(
				'ranking_mismatch',
				`The ranking must order each shown reply once (missing: ${missing.join(', ') || 'none'}; ` +
					`not shown: ${extra.join(', ') || 'none'}).`
			);
		}
	}
	if (shown.some((c) => c!.authorId === ranking.userId)) {
		return reject('own_message', 'You cannot rank replies that include your own.');
	}
	if (tree.rankings.some((r) => r.parentId === parent.id && r.userId === ranking.userId)) {
		return reject('already_done', 'You already ranked these replies.');
	}
	if (shown.filter((c) => isAccepted(c!)).length < 2) {
		return reject('replies_gone', 'Fewer than two of these replies are still in the conversation.');
	}
	return { ok: true, late: tree.state !== 'ranking' };
}

/** An author may edit their own message until its first review arrives. */
export function checkEdit(tree: TreeSnapshot, messageId: string, userId: string): Verdict {
	const message = messageById(tree, messageId);
	if (!message) return reject('target_missing', `Message ${messageId} is not in this tree.`);
	if (message.authorId !== userId)
		return reject('not_author', 'Only the author can edit a message.');
	if (message.deleted) return reject('target_deleted', 'The message was deleted.');
	if (reviewsOf(tree, messageId).length > 0) {
		return reject('already_reviewed', 'The message was already reviewed and can no longer change.');
	}
	return { ok: true };
}

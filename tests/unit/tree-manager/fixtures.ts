// Builders for tree snapshots, standing in for what the server loads from its database, and
// the writes the server does after a check passed (insert the row, then settle).
import type { LabelForm, LabelValues } from '../../../src/lib/protocol/labels';
import type { MessageRole, TreeState } from '../../../src/lib/protocol/trees';
import type { TreeMessage, TreeSnapshot } from '../../../sync-server/tree-manager/snapshot';

export function message(
	fields: Partial<TreeMessage> & Pick<TreeMessage, 'id' | 'authorId'>
): TreeMessage {
	return {
		parentId: null,
		role: 'prompter',
		text: `text of ${fields.id}`,
		lang: 'en',
		createdAt: 0,
		reviewResult: true,
		deleted: false,
		redFlags: 0,
		replySkips: 0,
		rank: null,
		...fields
	};
}

/** A tree whose root `root` was written by `rootAuthor`, in `state`. */
export function tree(state: TreeState, extra: Partial<TreeSnapshot> = {}): TreeSnapshot {
	return {
		id: 'root',
		lang: 'en',
		state,
		goalSize: 12,
		wonLotteryAt: state === 'initial_prompt_review' ? null : 1,
		messages: [message({ id: 'root', authorId: 'rootAuthor' })],
		reviews: [],
		rankings: [],
		leased: {},
		...extra
	};
}

/** Adds a reply below `parentId`, its role the opposite of the parent's. */
export function withReply(
	t: TreeSnapshot,
	parentId: string,
	id: string,
	authorId: string,
	fields: Partial<TreeMessage> = {}
): TreeSnapshot {
	const parent = t.messages.find((m) => m.id === parentId)!;
	const role: MessageRole = parent.role === 'prompter' ? 'assistant' : 'prompter';
	return { ...t, messages: [...t.messages, message({ id, authorId, parentId, role, ...fields })] };
}

export function withReview(
	t: TreeSnapshot,
	messageId: string,
	reviewerId: string,
	labels: LabelValues = { spam: 0, lang_mismatch: 0 },
	form: LabelForm = 'simple'
): TreeSnapshot {
	return { ...t, reviews: [...t.reviews, { messageId, reviewerId, labels, form, at: 0 }] };
}

export function withRanking(
	t: TreeSnapshot,
	parentId: string,
	userId: string,
	ranking: string[] | null,
	shownIds: string[] = ranking ?? []
): TreeSnapshot {
	return { ...t, rankings: [...t.rankings, { parentId, userId, shownIds, ranking, at: 0 }] };
}

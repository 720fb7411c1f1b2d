// The plain data the tree manager decides on: one message tree as loaded from the database
// inside a transaction, with its reviews and rankings. No I/O here; times are epoch ms.
import type { LabelForm, LabelValues } from '../../src/lib/protocol/labels';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import type { MessageRole, TreeState } from '../../src/lib/protocol/trees';

export interface TreeMessage {
	id: string;
	/** null for the initial prompt, whose id is also the tree's id. */
	parentId: string | null;
	role: MessageRole;
	authorId: string;
	text: string;
	lang: string;
	createdAt: number;
	/** null while in review; true once accepted (never revoked); false when rejected. */
	reviewResult: boolean | null;
	deleted: boolean;
	/** Red-flag reports from contributors. */
	redFlags: number;
	/** Contributors who skipped a task to reply to this message. */
	replySkips: number;
	/** Consensus rank among its siblings (0 is best), once the tree was scored. */
	rank: number | null;
	/** Generated, not written by the contributor: a model's reply in a donated chat, or demo data. */
	synthetic?: boolean;
	/** An assistant reply written with tools: its rounds of calls, shown with it in later tasks. */
	toolSteps?: ReplyToolStep[];
}

/** One label review done through a label task. */
export interface Review {
	messageId: string;
	reviewerId: string;
	form: LabelForm;
	labels: LabelValues;
	at: number;
}

/** One ranking of a sibling set, in submission order within the tree's list. */
export interface RankingRecord {
	parentId: string;
	userId: string;
	/** The replies the ranking task showed; each of them counts this ranking. */
	shownIds: string[];
	/** Best first; null when the contributor answered "none of these can be ranked". */
	ranking: string[] | null;
	at: number;
}

export interface TreeSnapshot {
	/** The id of the initial prompt. */
	id: string;
	lang: string;
	state: TreeState;
	goalSize: number;
	/** When the tree first left the prompt lottery (restarting a halted tree needs it). */
	wonLotteryAt: number | null;
	messages: TreeMessage[];
	reviews: Review[];
	rankings: RankingRecord[];
	/**
	 * Unexpired leases held by anyone, by offer key (see `offerKey`): work already promised,
	 * counted against what a message still needs so a batch of offline leases does not
	 * over-serve one parent.
	 */
	leased: Readonly<Record<string, number>>;
}

export function messageById(tree: TreeSnapshot, id: string): TreeMessage | undefined {
	return tree.messages.find((m) => m.id === id);
}

export function rootOf(tree: TreeSnapshot): TreeMessage {
	const root = tree.messages.find((m) => m.parentId === null);
	if (!root || root.id !== tree.id) {
		throw new Error(`tree ${tree.id} has no initial prompt with the tree's id`);
	}
	return root;
}

export function childrenOf(tree: TreeSnapshot, parentId: string): TreeMessage[] {
	return tree.messages.filter((m) => m.parentId === parentId);
}

/** The messages from the initial prompt down to `id`, inclusive. */
export function pathTo(tree: TreeSnapshot, id: string): TreeMessage[] {
	const byId = new Map(tree.messages.map((m) => [m.id, m]));
	const path: TreeMessage[] = [];
	for (let m = byId.get(id); m; m = m.parentId === null ? undefined : byId.get(m.parentId)) {
		if (path.length > tree.messages.length) throw new Error(`tree ${tree.id} has a cycle`);
		path.unshift(m);
	}
	if (path.length === 0) throw new Error(`message ${id} is not in tree ${tree.id}`);
	return path;
}

/** 0 for the initial prompt. */
export function depthOf(tree: TreeSnapshot, id: string): number {
	return pathTo(tree, id).length - 1;
}

/** `id` and everything below it. */
export function subtreeIds(tree: TreeSnapshot, id: string): string[] {
	const ids = [id];
	for (let i = 0; i < ids.length; i++) {
		for (const child of childrenOf(tree, ids[i])) ids.push(child.id);
	}
	return ids;
}

export function reviewsOf(tree: TreeSnapshot, messageId: string): Review[] {
	return tree.reviews.filter((r) => r.messageId === messageId);
}

// Demo data: real-looking message trees in every state the tree manager has, so that a fresh
// server offers every kind of task (reviewing a new prompt, a user reply and an assistant reply,
// writing both kinds of replies, ranking both kinds of siblings) and its moderators see every
// state. Built from seed conversations (training/seed: questions with one correct, one wrong and
// one sloppy answer), written by a dozen demo accounts that also review and rank.
//
// Pure: the caller passes the conversations, the configuration, the time and an id source.
// Every tree is settled with the state machine before it is handed back, so its state is the
// one the tree manager itself would give it under this configuration (a tree the recipe meant
// to keep growing but that a small configuration calls complete moves on, as it would live).
// Only `ready_for_scoring` is kept as built: settling scores such a tree at once.
import type { LabelValues } from '../../src/lib/protocol/labels';
import type { MessageRole, TreeState } from '../../src/lib/protocol/trees';
import type { TreeManagerConfig } from './config';
import { siblingSets } from './growth';
import { settleTree } from './state-machine';
import type { RankingRecord, Review, TreeMessage, TreeSnapshot } from './snapshot';

/** A conversation as the seed generator writes it (an oasst tree line, reduced). */
export interface SeedNode {
	text: string;
	role: MessageRole;
	/** Rank among its siblings, 0 best; what the demo rankers follow. */
	rank?: number | null;
	replies?: readonly SeedNode[] | null;
}

export interface SeedConversation {
	prompt: SeedNode;
	/** `hearth-seed/<skill>`: the skill becomes the tree's topic tag. */
	origin?: string | null;
}

export interface DemoUser {
	id: string;
	displayName: string;
}

export interface DemoEvent {
	from: TreeState | null;
	to: TreeState;
	reason: string;
	at: number;
}

export interface DemoTree {
	tree: TreeSnapshot;
	origin: string;
	tags: string[];
	createdAt: number;
	/** The state history, oldest first, as `tree_events` records it. */
	history: DemoEvent[];
}

export interface DemoData {
	users: DemoUser[];
	trees: DemoTree[];
}

export interface DemoOptions {
	/** The time the demo data is loaded: trees are spread over the three days before. */
	now: number;
	newId: () => string;
}

/** Where the demo trees came from (`trees.origin`), followed by `/<skill>`. */
export const DEMO_ORIGIN = 'hearth-demo';

const HOUR = 3_600_000;
const MINUTE = 60_000;

const names = [
	'Ada',
	'Basil',
	'Chioma',
	'Dmitri',
	'Elif',
	'Farah',
	'Goran',
	'Hana',
	'Ines',
	'Jomo',
	'Kaito',
	'Lena'
];

/** Follow-ups a user might send after an answer: the second member of a user-reply sibling set. */
const followUps = [
	'Can you show me how you worked that out?',
	'Are you sure? Please check it again.',
	'Thanks! Could you explain it a bit more simply?'
];

/** A prompt that reviewers reject as spam: the low-grade tree. */
const spamPrompt = 'CHEAP FOLLOWERS!!! Click the link in my profile to get 10k followers today';

const pathReasons: Partial<Record<TreeState, string>> = {
	prompt_lottery_waiting: 'initial prompt accepted',
	growing: 'won the prompt lottery',
	ranking: 'tree reached its size and every message was reviewed',
	ready_for_scoring: 'every sibling set has its rankings'
};

/** The states a tree passes through on its way to `state`, after initial-prompt review. */
const pathTo: Partial<Record<TreeState, TreeState[]>> = {
	initial_prompt_review: [],
	prompt_lottery_waiting: ['prompt_lottery_waiting'],
	growing: ['prompt_lottery_waiting', 'growing'],
	ranking: ['prompt_lottery_waiting', 'growing', 'ranking'],
	ready_for_scoring: ['prompt_lottery_waiting', 'growing', 'ranking', 'ready_for_scoring'],
	halted_by_moderator: ['prompt_lottery_waiting', 'growing']
};

type Status = 'accepted' | 'in_review' | 'rejected';

function byRank(nodes: readonly SeedNode[] | null | undefined): SeedNode[] {
	return [...(nodes ?? [])].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99));
}

/** The best answer's follow-up question, in a seed conversation of two turns. */
function followUpOf(conversation: SeedConversation): SeedNode | null {
	const best = byRank(conversation.prompt.replies)[0];
	return best?.replies?.find((r) => r.role === 'prompter') ?? null;
}

function skillOf(conversation: SeedConversation): string {
	const skill = conversation.origin?.split('/')[1] ?? '';
	return /^[a-z0-9][a-z0-9-]{0,31}$/.test(skill) ? skill : 'general';
}

class Builder {
	readonly messages: TreeMessage[] = [];
	readonly reviews: Review[] = [];
	readonly rankings: RankingRecord[] = [];
	private readonly seedRank = new Map<string, number>();
	private clock: number;
	private turn: number;
	private rootReviewedAt: number | null = null;
	private rankingFrom: number | null = null;

	constructor(
		private readonly users: readonly DemoUser[],
		private readonly config: TreeManagerConfig,
		private readonly newId: () => string,
		readonly createdAt: number,
		/** Varies who writes and reviews from one tree to the next. */
		offset: number
	) {
		this.clock = createdAt;
		this.turn = offset;
	}

	private nextUser(except: ReadonlySet<string>): string {
		for (let i = 0; i < this.users.length; i++) {
			const user = this.users[(this.turn + i) % this.users.length];
			if (!except.has(user.id)) {
				this.turn += i + 1;
				return user.id;
			}
		}
		throw new Error('not enough demo users');
	}

	private tick(minutes: number): number {
		this.clock += minutes * MINUTE;
		return this.clock;
	}

	private depthOf(parent: TreeMessage | null): number {
		let depth = 0;
		for (let m = parent; m; m = this.messages.find((x) => x.id === m!.parentId) ?? null) depth++;
		return depth;
	}

	/** Adds a message (null when it would sit below the configured depth) with its reviews. */
	add(
		parent: TreeMessage | null,
		node: { text: string; role: MessageRole; rank?: number | null },
		status: Status
	): TreeMessage | null {
		if (this.depthOf(parent) >= this.config.growth.maxDepth) return null;
		const authorId = this.nextUser(new Set(parent ? [parent.authorId] : []));
		const message: TreeMessage = {
			id: this.newId(),
			parentId: parent?.id ?? null,
			role: node.role,
			authorId,
			text: node.text,
			lang: 'en',
			// After the prompt, the lottery is drawn first: replies come a little later.
			createdAt: this.tick(parent ? 7 : 0),
			reviewResult: status === 'accepted' ? true : status === 'rejected' ? false : null,
			deleted: false,
			redFlags: 0,
			replySkips: 0,
			rank: null
		};
		this.messages.push(message);
		if (node.rank !== null && node.rank !== undefined) this.seedRank.set(message.id, node.rank);
		const required = this.config.review.requiredReviews;
		const count =
			status === 'in_review'
				? Math.min(1, required - 1)
				: Math.min(required, this.users.length - 1);
		const reviewers = new Set([authorId]);
		for (let i = 0; i < count; i++) {
			const reviewerId = this.nextUser(reviewers);
			reviewers.add(reviewerId);
			this.reviews.push({
				messageId: message.id,
				reviewerId,
				form: 'full',
				labels: labelsFor(status, node.rank, i),
				at: this.tick(2)
			});
		}
		if (!parent) this.rootReviewedAt = this.clock;
		return message;
	}

	/** Adds the replies of `node` (best first, at most what a message of its role wants). */
	addReplies(parent: TreeMessage | null, node: SeedNode, status: Status, limit = Infinity) {
		if (!parent) return [];
		const max =
			node.role === 'prompter'
				? this.config.growth.maxAssistantReplies
				: this.config.growth.maxPrompterReplies;
		return byRank(node.replies)
			.slice(0, Math.min(max, limit))
			.map((reply) => ({ node: reply, message: this.add(parent, reply, status) }))
			.filter((r): r is { node: SeedNode; message: TreeMessage } => r.message !== null);
	}

	/** Rankings of every sibling set: `perSet` each, in the seed's order with a little dissent. */
	rank(perSet: (required: number) => number): void {
		const snapshot = this.snapshot('ranking', 0, null);
		this.rankingFrom ??= this.clock;
		for (const set of siblingSets(snapshot, this.config)) {
			const members = set.memberIds;
			const best = [...members].sort(
				(a, b) => (this.seedRank.get(a) ?? 99) - (this.seedRank.get(b) ?? 99)
			);
			const authors = new Set(
				members.map((id) => this.messages.find((m) => m.id === id)!.authorId)
			);
			const count = perSet(this.config.ranking.requiredRankings);
			for (let i = 0; i < count; i++) {
				const userId = this.nextUser(authors);
				authors.add(userId);
				// Every third ranker swaps the last two: rankers rarely agree completely.
				const order = [...best];
				if (i % 3 === 2 && order.length > 2) order.push(...order.splice(-2, 1));
				this.rankings.push({
					parentId: set.parentId,
					userId,
					shownIds: [...members],
					ranking: order,
					at: this.tick(3)
				});
			}
		}
	}

	snapshot(state: TreeState, goalSize: number, wonLotteryAt: number | null): TreeSnapshot {
		const root = this.messages[0];
		return {
			id: root.id,
			lang: root.lang,
			state,
			goalSize,
			wonLotteryAt,
			messages: [...this.messages],
			reviews: [...this.reviews],
			rankings: [...this.rankings],
			leased: {}
		};
	}

	/** When the initial prompt's reviews were in, the first ranking began, the last work was done. */
	get times(): { rootReviewedAt: number; rankingFrom: number | null; lastAt: number } {
		return {
			rootReviewedAt: this.rootReviewedAt ?? this.createdAt,
			rankingFrom: this.rankingFrom,
			lastAt: this.clock
		};
	}
}

function labelsFor(status: Status, rank: number | null | undefined, reviewer: number): LabelValues {
	if (status === 'rejected') return { spam: 1, lang_mismatch: 0, quality: 0 };
	// The seed's correct answers read best, its sloppy ones worst; reviewers differ a little.
	const quality = rank === 0 ? 1 : rank === 1 ? 0.5 : rank === 2 ? 0.25 : 0.75;
	return {
		spam: 0,
		lang_mismatch: 0,
		quality: Math.max(0, quality - (reviewer % 2) * 0.25)
	};
}

type Recipe = {
	state: TreeState;
	/** Needs a conversation of two turns (a follow-up question). */
	twoTurns: boolean;
	build: (b: Builder, conversation: SeedConversation) => void;
	/** A moderator's reason, for a halted tree. */
	haltReason?: string;
	/** false for a tree kept as built: settling would move it on (a tree waiting to be scored). */
	settle?: boolean;
	/** The recipe writes its own prompt: the conversation's skill is no topic of it. */
	ownPrompt?: boolean;
};

/** Every message of the conversation, accepted (as far as the configuration lets a tree grow). */
function wholeConversation(b: Builder, c: SeedConversation): void {
	const answers = b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted');
	for (const { node, message } of answers) {
		for (const asked of b.addReplies(message, node, 'accepted')) {
			b.addReplies(asked.message, asked.node, 'accepted');
		}
	}
}

const recipes: Recipe[] = [
	// New prompts waiting for review: "Review a prompt".
	...[0, 1, 2].map((): Recipe => ({
		state: 'initial_prompt_review',
		twoTurns: false,
		build: (b, c) => void b.add(null, c.prompt, 'in_review')
	})),
	// Rejected by its reviewers.
	{
		state: 'initial_prompt_review',
		twoTurns: false,
		ownPrompt: true,
		build: (b) => void b.add(null, { text: spamPrompt, role: 'prompter' }, 'rejected')
	},
	// Accepted, waiting for the prompt lottery.
	...[0, 1].map((): Recipe => ({
		state: 'prompt_lottery_waiting',
		twoTurns: false,
		build: (b, c) => void b.add(null, c.prompt, 'accepted')
	})),
	// Growing: no answer yet ("Reply as the assistant").
	{
		state: 'growing',
		twoTurns: false,
		build: (b, c) => void b.add(null, c.prompt, 'accepted')
	},
	// Growing: one accepted answer, waiting for a sibling and for the user's follow-up.
	{
		state: 'growing',
		twoTurns: false,
		build: (b, c) => b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted', 1)
	},
	// Growing: answers waiting for review ("Review an assistant reply").
	{
		state: 'growing',
		twoTurns: false,
		build: (b, c) => b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'in_review', 2)
	},
	// Growing: a follow-up question waiting for review ("Review a user reply").
	{
		state: 'growing',
		twoTurns: true,
		build: (b, c) => {
			const [best] = b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted', 1);
			b.addReplies(best?.message ?? null, best?.node ?? c.prompt, 'in_review');
		}
	},
	// Growing: two turns deep, the second answer in review.
	{
		state: 'growing',
		twoTurns: true,
		build: (b, c) => {
			const answers = b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted', 2);
			const [followUp] = b.addReplies(
				answers[0]?.message ?? null,
				answers[0]?.node ?? c.prompt,
				'accepted'
			);
			b.addReplies(followUp?.message ?? null, followUp?.node ?? c.prompt, 'in_review', 1);
		}
	},
	// Ranking: answers to rank, some rankings in ("Rank assistant replies").
	...[0, 1].map((): Recipe => ({
		state: 'ranking',
		twoTurns: false,
		build: (b, c) => {
			b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted');
			b.rank((required) => Math.min(1, required - 1));
		}
	})),
	// Ranking: two turns, with two follow-up questions to rank ("Rank user replies").
	{
		state: 'ranking',
		twoTurns: true,
		build: (b, c) => {
			const answers = b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted');
			const best = answers[0];
			const followUp = followUpOf(c);
			if (best && followUp) {
				const asked = b.add(best.message, followUp, 'accepted');
				b.addReplies(asked, followUp, 'accepted');
				const other = followUps[followUp.text.length % followUps.length];
				b.add(best.message, { text: other, role: 'prompter' }, 'accepted');
			}
			b.rank((required) => Math.min(1, required - 1));
		}
	},
	// Every ranking in, not scored yet.
	{
		state: 'ready_for_scoring',
		twoTurns: false,
		settle: false,
		build: (b, c) => {
			b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted');
			b.rank((required) => required);
		}
	},
	// Scored and ready for export (settling scores them).
	...[false, true, false, true].map((twoTurns): Recipe => ({
		state: 'ready_for_scoring',
		twoTurns,
		build: (b, c) => {
			wholeConversation(b, c);
			b.rank((required) => required);
		}
	})),
	// Scoring fails: one ranking names a reply that is not among the ranked siblings.
	{
		state: 'ready_for_scoring',
		twoTurns: false,
		build: (b, c) => {
			const root = b.add(null, c.prompt, 'accepted');
			b.addReplies(root, c.prompt, 'accepted');
			b.rank((required) => required);
			const ranking = b.rankings.at(-1);
			if (ranking && root) ranking.shownIds = [...ranking.shownIds, root.id];
		}
	},
	// Halted by a moderator while growing.
	{
		state: 'halted_by_moderator',
		twoTurns: false,
		haltReason: 'halted by a moderator: the question asks for a guess, not an answer',
		build: (b, c) => b.addReplies(b.add(null, c.prompt, 'accepted'), c.prompt, 'accepted', 1)
	},
	// Imported into the backlog, waiting to be activated for ranking.
	...[false, true].map((twoTurns): Recipe => ({
		state: 'backlog_ranking',
		twoTurns,
		build: (b, c) => wholeConversation(b, c)
	}))
];

/** The demo accounts: a dozen, or more when the configuration wants more reviews or rankings. */
export function demoUsers(config: TreeManagerConfig): DemoUser[] {
	const wanted = Math.max(
		names.length,
		config.review.requiredReviews + 2,
		config.ranking.requiredRankings + config.growth.maxAssistantReplies + 2
	);
	return Array.from({ length: wanted }, (_, i) => {
		const name = names[i] ?? `Contributor ${i + 1}`;
		return { id: `demo-${name.toLowerCase().replace(/\s+/g, '-')}`, displayName: `${name} (demo)` };
	});
}

/**
 * Demo trees from `conversations` (at least a few of two turns; the seed generator makes a
 * quarter of them so), one per recipe, each settled under `config`.
 */
export function buildDemoData(
	conversations: readonly SeedConversation[],
	config: TreeManagerConfig,
	{ now, newId }: DemoOptions
): DemoData {
	const users = demoUsers(config);
	const oneTurn = conversations.filter((c) => !followUpOf(c));
	const twoTurns = conversations.filter((c) => followUpOf(c));
	if (oneTurn.length === 0 || twoTurns.length === 0) {
		throw new Error('demo data needs conversations of one and of two turns');
	}
	// Started over three days, the last one six hours ago: every tree's work is done by now.
	const span = 72 * HOUR;
	const trees = recipes.map((recipe, i) => {
		const pool = recipe.twoTurns ? twoTurns : oneTurn;
		const conversation = pool[i % pool.length];
		const createdAt = now - span - 6 * HOUR + Math.floor((span * i) / recipes.length);
		const b = new Builder(users, config, newId, createdAt, i * 5);
		recipe.build(b, conversation);
		return finish(b, recipe, conversation, config);
	});
	return { users, trees };
}

function finish(
	b: Builder,
	recipe: Recipe,
	conversation: SeedConversation,
	config: TreeManagerConfig
): DemoTree {
	const createdAt = b.createdAt;
	const { rootReviewedAt, rankingFrom, lastAt } = b.times;
	// When each step happened: acceptance after the prompt's reviews, the lottery before the
	// first answer, ranking after the last review and before the first ranking.
	const stepAt: Partial<Record<TreeState, number>> = {
		prompt_lottery_waiting: rootReviewedAt + MINUTE,
		growing: rootReviewedAt + 5 * MINUTE,
		ranking: (rankingFrom ?? lastAt) + MINUTE,
		ready_for_scoring: lastAt + MINUTE
	};
	const history: DemoEvent[] = [
		recipe.state === 'backlog_ranking'
			? { from: null, to: 'backlog_ranking', reason: 'demo data: imported', at: createdAt }
			: {
					from: null,
					to: 'initial_prompt_review',
					reason: 'demo data: tree created',
					at: createdAt
				}
	];
	for (const to of pathTo[recipe.state] ?? []) {
		history.push({ from: history.at(-1)!.to, to, reason: pathReasons[to]!, at: stepAt[to]! });
	}
	if (recipe.haltReason) {
		history.push({
			from: history.at(-1)!.to,
			to: 'halted_by_moderator',
			reason: recipe.haltReason,
			at: lastAt + 30 * MINUTE
		});
	}
	const stillGrowing: TreeState[] = [
		'initial_prompt_review',
		'prompt_lottery_waiting',
		'growing',
		'halted_by_moderator'
	];
	let tree = b.snapshot(
		recipe.state,
		// A tree that stopped growing reached its size.
		stillGrowing.includes(recipe.state) ? config.growth.goalTreeSize : b.messages.length,
		history.find((e) => e.to === 'growing')?.at ?? null
	);
	if (recipe.settle !== false) {
		const settled = settleTree(tree, config);
		tree = settled.tree;
		for (const change of settled.changes) {
			if (change.kind !== 'state') continue;
			history.push({
				from: change.from,
				to: change.to,
				reason: change.reason,
				at: lastAt + 2 * MINUTE
			});
		}
	}
	if (recipe.ownPrompt) return { tree, origin: DEMO_ORIGIN, tags: [], createdAt, history };
	const skill = skillOf(conversation);
	return { tree, origin: `${DEMO_ORIGIN}/${skill}`, tags: [skill], createdAt, history };
}

// Row types of the server's tables, as Kysely sees them. Each migration that changes a table
// changes its interface here. Portable across SQLite and PostgreSQL: text ids (generated in
// the app), integer timestamps in epoch milliseconds, JSON stored as text, no booleans.
import type { Generated } from 'kysely';
import type { TreeState } from '../../src/lib/protocol/trees';

export type Role = 'contributor' | 'moderator' | 'admin';

export interface UsersTable {
	id: string;
	display_name: string;
	role: Generated<Role>;
	created_at: number;
	/** Bumped by every transaction that changes the user's own messages (0002). */
	version: Generated<number>;
	banned_at: Generated<number | null>;
	banned_reason: Generated<string | null>;
	/** 1 for the accounts of demo data (0004): never on the leaderboard. */
	demo: Generated<number>;
	/** When the person deleted their account (0007); the row stays, nameless. */
	deleted_at: Generated<number | null>;
}

/** A device holds one bearer token; the server keeps only its SHA-256. */
export interface DevicesTable {
	id: string;
	user_id: string;
	token_hash: string;
	created_at: number;
	last_seen_at: number | null;
}

/** One outbox stream (a device's local database); `last_seq` is the last applied push entry. */
export interface ClientsTable {
	id: string;
	device_id: string;
	last_seq: Generated<number>;
	created_at: number;
}

/** Every pushed mutation, applied or rejected, so a retried push is answered identically. */
export interface MutationsTable {
	client_id: string;
	seq: number;
	name: string;
	/** The mutation's arguments as JSON text. */
	args: string;
	status: 'applied' | 'rejected';
	/** A rejection's code (0002). */
	code: Generated<string | null>;
	reason: string | null;
	/** What an applied mutation produced, as JSON (0002). */
	result: Generated<string | null>;
	processed_at: number;
}

// Added by 0002_message_trees: the contribution data (see that migration).

export interface LinkCodesTable {
	code_hash: string;
	user_id: string;
	created_at: number;
	expires_at: number;
	used_at: number | null;
}

export interface TreesTable {
	id: string;
	lang: string;
	state: TreeState;
	goal_size: number;
	won_lottery_at: number | null;
	origin: string | null;
	created_at: number;
	updated_at: number;
	/** 1 for demo data (0004): left out of exports unless asked for, removable in one command. */
	demo: Generated<number>;
}

export interface TreeTagsTable {
	tree_id: string;
	tag: string;
}

/** Booleans are 0/1 integers; `review_result` is null while in review. */
export interface MessagesTable {
	id: string;
	tree_id: string;
	parent_id: string | null;
	role: 'prompter' | 'assistant';
	author_id: string;
	text: string;
	lang: string;
	created_at: number;
	edited_at: number | null;
	review_result: number | null;
	review_score: number | null;
	deleted: Generated<number>;
	red_flags: Generated<number>;
	reply_skips: Generated<number>;
	rank: number | null;
	spam_reviews: Generated<number>;
	flag_reviews: Generated<number>;
	late: Generated<number>;
	synthetic: Generated<number>;
	model_name: string | null;
	emojis: string | null;
	imported_labels: string | null;
	imported_review_count: Generated<number>;
	task_id: string | null;
	client_id: string | null;
	client_seq: number | null;
	version: Generated<number>;
	/** When its text was erased (0007): never exported again, listed as withdrawn. */
	erased_at: Generated<number | null>;
	erased_reason: Generated<'withdrawn' | 'account_deleted' | null>;
	/** An assistant reply's tool rounds as JSON, `ReplyToolStep[]` (0008); null without tools. */
	tool_steps: Generated<string | null>;
}

export interface MessageFlagsTable {
	message_id: string;
	user_id: string;
	reason: string | null;
	created_at: number;
}

export interface ReviewsTable {
	message_id: string;
	reviewer_id: string;
	tree_id: string;
	form: 'full' | 'simple';
	/** JSON: label name → value. */
	labels: string;
	late: Generated<number>;
	task_id: string | null;
	created_at: number;
}

export interface RankingsTable {
	parent_id: string;
	user_id: string;
	tree_id: string;
	position: number;
	task_type: string;
	/** JSON array. */
	shown_ids: string;
	/** JSON array, best first; null for "not rankable". */
	ranking: string | null;
	late: Generated<number>;
	tau: number | null;
	task_id: string | null;
	created_at: number;
}

export interface SkipsTable {
	user_id: string;
	offer_key: string;
	tree_id: string;
	task_type: string;
	reason: string;
	note: string | null;
	created_at: number;
}

export type LeaseStatus = 'open' | 'done' | 'skipped' | 'released';

export interface LeasesTable {
	id: string;
	user_id: string;
	client_id: string;
	tree_id: string | null;
	offer_key: string | null;
	task_type: string;
	lang: string;
	/** JSON: the task as handed out. */
	task: string;
	/** JSON array of tags. */
	tags: string;
	created_at: number;
	expires_at: number;
	status: LeaseStatus;
	finished_at: number | null;
}

export interface AwardsTable {
	id: string;
	user_id: string;
	points: number;
	kind: 'wrote' | 'accepted' | 'labelled' | 'ranked' | 'reply_ranked';
	message_id: string | null;
	tree_id: string | null;
	created_at: number;
}

export interface TreeEventsTable {
	id: string;
	tree_id: string;
	from_state: string | null;
	to_state: string;
	reason: string;
	actor_id: string | null;
	created_at: number;
}

export interface ModerationEventsTable {
	id: string;
	moderator_id: string | null;
	action: string;
	target_id: string;
	reason: string;
	created_at: number;
}

/** A trainer's key (0005): reads exports and publishes models, nothing else. */
export interface TrainerTokensTable {
	name: string;
	token_hash: string;
	created_at: number;
}

/** A trainer's priority for a sibling set awaiting rankings (0006): higher is served first. */
export interface RankingPrioritiesTable {
	/** The parent message whose replies are ranked. */
	parent_id: string;
	tree_id: string;
	/** The reward model's uncertainty about the set's order. */
	score: number;
	/** The trainer token's name that set it. */
	trainer: string;
	set_at: number;
}

/** A chat a person shared from their device (0007), by the id their device chose. */
export interface DonationsTable {
	id: string;
	user_id: string;
	tree_id: string;
	created_at: number;
	withdrawn_at: number | null;
}

export interface Tables {
	users: UsersTable;
	devices: DevicesTable;
	clients: ClientsTable;
	mutations: MutationsTable;
	link_codes: LinkCodesTable;
	trees: TreesTable;
	tree_tags: TreeTagsTable;
	messages: MessagesTable;
	message_flags: MessageFlagsTable;
	reviews: ReviewsTable;
	rankings: RankingsTable;
	skips: SkipsTable;
	leases: LeasesTable;
	awards: AwardsTable;
	tree_events: TreeEventsTable;
	moderation_events: ModerationEventsTable;
	trainer_tokens: TrainerTokensTable;
	ranking_priorities: RankingPrioritiesTable;
	donations: DonationsTable;
}

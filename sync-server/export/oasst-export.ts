// Export in the oasst1/oasst2 JSONL formats: one line per tree (messages nested under
// `replies`) or one line per message. Trees are read in batches and written as they are built,
// so an export of any size streams in constant memory. Filters drop deleted, rejected (spam) and
// synthetic messages together with everything below them; anonymisation replaces ids by a keyed
// hash, the same for the same seed. Replies come as OpenAssistant's exporter writes them: ranked
// ones in rank order, then the unranked by creation time — so an OpenAssistant file imported
// and exported again keeps its sibling order. Demo data (trees flagged `demo`) stays out unless
// asked for. Erased texts (a withdrawn donation, a deleted account) never leave, whatever the
// filters: `exportWithdrawn` lists them instead, so copies of earlier exports can drop them.
// An assistant reply written with tools adds `tool_steps`, its rounds of calls and results; its
// `text` stays the final answer, so OpenAssistant's readers, which skip unknown fields, still read it.
import { createHmac } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type {
	ExportOptions,
	OasstMessageLine,
	OasstNode,
	OasstTreeLine,
	OasstTreeNode
} from '../../src/lib/protocol/export';
import type { WithdrawnMessage } from '../../src/lib/protocol/donations';
import type { LabelValues } from '../../src/lib/protocol/labels';
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import type { MessagesTable, Tables } from '../db/schema';

const TREES_PER_BATCH = 200;

/** The export query's options, and whether to include demo data (left out by default). */
export type OasstExportOptions = ExportOptions & { demo?: boolean };

type Label = { value: number | null; count: number };

/** A UUID-shaped keyed hash: ids stay unique and joinable across files of the same seed. */
export function anonymousId(seed: string, kind: 'message' | 'user', id: string): string {
	const hex = createHmac('sha256', seed).update(`${kind}:${id}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Mean value and count per label, over imported aggregates and live reviews together. An
 * imported label without a value (OpenAssistant writes `value: null` when no review gave one)
 * counts but adds no value; a label no review gave a value stays null.
 */
export function aggregateLabels(
	imported: Record<string, Label> | null,
	reviews: readonly LabelValues[]
): Record<string, Label> {
	const sums = new Map<string, { total: number; valued: number; count: number }>();
	for (const [name, label] of Object.entries(imported ?? {})) {
		sums.set(
			name,
			label.value === null
				? { total: 0, valued: 0, count: label.count }
				: { total: label.value * label.count, valued: label.count, count: label.count }
		);
	}
	for (const labels of reviews) {
		for (const [name, value] of Object.entries(labels)) {
			const sum = sums.get(name) ?? { total: 0, valued: 0, count: 0 };
			sums.set(name, { total: sum.total + value, valued: sum.valued + 1, count: sum.count + 1 });
		}
	}
	return Object.fromEntries(
		[...sums]
			.filter(([, s]) => s.count > 0)
			.sort(([a], [b]) => (a < b ? -1 : 1))
			.map(([name, s]) => [
				name,
				{ value: s.valued > 0 ? s.total / s.valued : null, count: s.count }
			])
	);
}

/** OpenAssistant's reply order: by rank (0 first), unranked last; ties by creation, then id. */
function bySiblingOrder(a: Selectable<MessagesTable>, b: Selectable<MessagesTable>): number {
	const rank = (m: Selectable<MessagesTable>) => m.rank ?? Number.POSITIVE_INFINITY;
	return (
		rank(a) - rank(b) || a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

function emojisOf(row: Selectable<MessagesTable>): Record<string, number> {
	const emojis: Record<string, number> = row.emojis ? JSON.parse(row.emojis) : {};
	if (row.red_flags > 0) emojis.red_flag = row.red_flags;
	if (row.reply_skips > 0) emojis._skip_reply = row.reply_skips;
	return Object.fromEntries(Object.entries(emojis).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Whether a message (and so its subtree) stays in the export. */
function kept(row: Selectable<MessagesTable>, options: ExportOptions): boolean {
	if (row.erased_at !== null) return false;
	if (row.deleted === 1 && !options.deleted) return false;
	if (row.review_result === 0 && !options.spam) return false;
	if (row.synthetic === 1 && !options.synthetic) return false;
	return true;
}

interface TreeBatch {
	trees: Selectable<Tables['trees']>[];
	messages: Selectable<MessagesTable>[];
	reviews: { message_id: string; labels: string }[];
	tags: { tree_id: string; tag: string }[];
}

async function loadBatch(db: Kysely<Tables>, ids: string[]): Promise<TreeBatch> {
	const [trees, messages, reviews, tags] = await Promise.all([
		db.selectFrom('trees').selectAll().where('id', 'in', ids).execute(),
		db
			.selectFrom('messages')
			.selectAll()
			.where('tree_id', 'in', ids)
			.orderBy('created_at')
			.orderBy('id')
			.execute(),
		db.selectFrom('reviews').select(['message_id', 'labels']).where('tree_id', 'in', ids).execute(),
		db
			.selectFrom('tree_tags')
			.select(['tree_id', 'tag'])
			.where('tree_id', 'in', ids)
			.orderBy('tag')
			.execute()
	]);
	return { trees, messages, reviews, tags };
}

/** The tree lines of the trees matching `options`, in creation order. */
export async function* exportTrees(
	db: Kysely<Tables>,
	options: OasstExportOptions
): AsyncGenerator<OasstTreeLine> {
	const id = (kind: 'message' | 'user', value: string) =>
		options.anonymize ? anonymousId(options.anonymize, kind, value) : value;
	let query = db
		.selectFrom('trees')
		.select('id')
		.where('state', 'in', options.state)
		.orderBy('created_at')
		.orderBy('id');
	if (options.lang) query = query.where('lang', 'in', options.lang);
	if (!options.demo) query = query.where('demo', '=', 0);
	const treeIds = (await query.execute()).map((t) => t.id);

	for (let start = 0; start < treeIds.length; start += TREES_PER_BATCH) {
		const batchIds = treeIds.slice(start, start + TREES_PER_BATCH);
		const batch = await loadBatch(db, batchIds);
		const reviewsOf = new Map<string, LabelValues[]>();
		for (const r of batch.reviews) {
			reviewsOf.set(r.message_id, [...(reviewsOf.get(r.message_id) ?? []), JSON.parse(r.labels)]);
		}
		const childrenOf = new Map<string, Selectable<MessagesTable>[]>();
		for (const m of batch.messages) {
			if (m.parent_id === null) continue;
			childrenOf.set(m.parent_id, [...(childrenOf.get(m.parent_id) ?? []), m]);
		}
		for (const children of childrenOf.values()) children.sort(bySiblingOrder);
		const node = (row: Selectable<MessagesTable>): OasstTreeNode => {
			const reviews = reviewsOf.get(row.id) ?? [];
			const base: OasstNode = {
				message_id: id('message', row.id),
				parent_id: row.parent_id === null ? null : id('message', row.parent_id),
				user_id: id('user', row.author_id),
				created_date: new Date(row.created_at).toISOString(),
				text: row.text,
				role: row.role,
				lang: row.lang,
				review_count: row.imported_review_count + reviews.length,
				review_result: row.review_result === null ? null : row.review_result === 1,
				deleted: row.deleted === 1,
				rank: row.rank,
				synthetic: row.synthetic === 1,
				model_name: row.model_name,
				emojis: emojisOf(row),
				labels: aggregateLabels(
					row.imported_labels ? JSON.parse(row.imported_labels) : null,
					reviews
				),
				// Only assistant replies have any; they name no ids, so anonymising leaves them as they are.
				...(row.tool_steps !== null && {
					tool_steps: JSON.parse(row.tool_steps) as ReplyToolStep[]
				})
			};
			const replies = (childrenOf.get(row.id) ?? []).filter((c) => kept(c, options)).map(node);
			return { ...base, replies };
		};
		for (const treeId of batchIds) {
			const tree = batch.trees.find((t) => t.id === treeId)!;
			const root = batch.messages.find((m) => m.id === treeId);
			if (!root || !kept(root, options)) continue;
			const tags = batch.tags.filter((t) => t.tree_id === treeId).map((t) => t.tag);
			yield {
				message_tree_id: id('message', treeId),
				tree_state: tree.state,
				prompt: node(root),
				...(tree.origin ? { origin: tree.origin } : {}),
				...(tags.length > 0 ? { tags } : {})
			};
		}
	}
}

/** A tree line's messages as flat message lines, parents before children. */
export function flattenTree(tree: OasstTreeLine): OasstMessageLine[] {
	const lines: OasstMessageLine[] = [];
	const visit = (node: OasstTreeNode) => {
		const { replies, ...message } = node;
		lines.push({ ...message, message_tree_id: tree.message_tree_id, tree_state: tree.tree_state });
		replies.forEach(visit);
	};
	visit(tree.prompt);
	return lines;
}

/** JSON lines (each ending in a newline) of the export in the requested format. */
export async function* exportJsonLines(
	db: Kysely<Tables>,
	options: OasstExportOptions
): AsyncGenerator<string> {
	for await (const tree of exportTrees(db, options)) {
		if (options.format === 'trees') {
			yield `${JSON.stringify(tree)}\n`;
		} else {
			for (const line of flattenTree(tree)) yield `${JSON.stringify(line)}\n`;
		}
	}
}

/** Every erased message, oldest erasure first, under the ids an export with `anonymize` gave it. */
export async function* exportWithdrawn(
	db: Kysely<Tables>,
	anonymize: string | undefined
): AsyncGenerator<WithdrawnMessage> {
	const id = (value: string) => (anonymize ? anonymousId(anonymize, 'message', value) : value);
	const rows = await db
		.selectFrom('messages')
		.select(['id', 'tree_id', 'erased_at', 'erased_reason'])
		.where('erased_at', 'is not', null)
		.orderBy('erased_at')
		.orderBy('id')
		.execute();
	for (const row of rows) {
		yield {
			message_id: id(row.id),
			message_tree_id: id(row.tree_id),
			withdrawn_date: new Date(row.erased_at!).toISOString(),
			reason: row.erased_reason!
		};
	}
}

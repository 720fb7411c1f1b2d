// Demo data in the database: `npm run admin -- demo-data load` writes the demo trees
// (tree-manager/demo-trees.ts, from the seed conversations of training/seed) and their demo
// accounts, flagged `demo = 1` (migration 0004); `demo-data remove` deletes every row of them,
// and whatever real contributors did on demo trees (their replies, reviews, rankings, skips,
// leases and the points for them). Each runs in one transaction: all of it or nothing.
import { randomUUID } from 'node:crypto';
import type { TreeState } from '../../src/lib/protocol/trees';
import { generateTrees } from '../../training/seed/generate';
import { buildDemoData, type DemoData } from '../tree-manager/demo-trees';
import { inWriteTransaction, type Trx } from '../db/transaction';
import { treeRow } from './tree-writes';
import type { Service } from '../service/service';

/** Seed conversations drawn from; the same seed gives the same texts. */
const CONVERSATIONS = 40;
const SEED = 2026;
const ROWS_PER_INSERT = 100;

export class DemoDataError extends Error {}

export interface DemoDataSummary {
	trees: number;
	messages: number;
	users: number;
	/** Trees per state. */
	states: Partial<Record<TreeState, number>>;
}

function chunks<T>(rows: readonly T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
		out.push(rows.slice(i, i + ROWS_PER_INSERT));
	return out;
}

async function insertAll<R>(rows: readonly R[], insert: (chunk: R[]) => Promise<unknown>) {
	for (const chunk of chunks(rows)) await insert(chunk);
}

/** The demo data as the tree manager would have it under the service's configuration. */
export function demoDataFor(service: Service): DemoData {
	return buildDemoData(generateTrees(CONVERSATIONS, SEED), service.config.treeManager, {
		now: service.config.clock(),
		newId: randomUUID
	});
}

async function demoTreeIds(trx: Trx): Promise<string[]> {
	const rows = await trx.selectFrom('trees').select('id').where('demo', '=', 1).execute();
	return rows.map((r) => r.id);
}

/** Writes the demo data; refuses when it is already loaded. */
export async function loadDemoData(service: Service): Promise<DemoDataSummary> {
	const data = demoDataFor(service);
	const now = service.config.clock();
	return inWriteTransaction(service.database, async (trx) => {
		const loaded = await demoTreeIds(trx);
		if (loaded.length > 0) {
			throw new DemoDataError(
				`demo data is already loaded (${loaded.length} trees); remove it first to load it again`
			);
		}
		const existing = await trx
			.selectFrom('users')
			.select('id')
			.where(
				'id',
				'in',
				data.users.map((u) => u.id)
			)
			.execute();
		const known = new Set(existing.map((u) => u.id));
		await insertAll(
			data.users.filter((u) => !known.has(u.id)),
			(chunk) =>
				trx
					.insertInto('users')
					.values(
						chunk.map((u) => ({ id: u.id, display_name: u.displayName, created_at: now, demo: 1 }))
					)
					.execute()
		);
		// An account left over under a demo id is demo data too.
		if (known.size > 0) {
			await trx
				.updateTable('users')
				.set({ demo: 1 })
				.where('id', 'in', [...known])
				.execute();
		}

		const { trees } = data;
		await insertAll(trees, (chunk) =>
			trx
				.insertInto('trees')
				.values(
					chunk.map(({ tree, origin, createdAt, history }) => ({
						...treeRow(tree, origin, createdAt, history.at(-1)!.at),
						demo: 1
					}))
				)
				.execute()
		);
		await insertAll(
			trees.flatMap((t) => t.tags.map((tag) => ({ tree_id: t.tree.id, tag }))),
			(chunk) => trx.insertInto('tree_tags').values(chunk).execute()
		);
		await insertAll(
			trees.flatMap((t) =>
				t.history.map((e) => ({
					id: randomUUID(),
					tree_id: t.tree.id,
					from_state: e.from,
					to_state: e.to,
					reason: e.reason,
					actor_id: null,
					created_at: e.at
				}))
			),
			(chunk) => trx.insertInto('tree_events').values(chunk).execute()
		);
		// Parents before children: each tree lists its messages in the order they were written.
		const messages = trees.flatMap((t) =>
			t.tree.messages.map((m) => ({
				id: m.id,
				tree_id: t.tree.id,
				parent_id: m.parentId,
				role: m.role,
				author_id: m.authorId,
				text: m.text,
				lang: m.lang,
				created_at: m.createdAt,
				review_result: m.reviewResult === null ? null : m.reviewResult ? 1 : 0,
				rank: m.rank,
				// Written by the seed generator, as the seed conversations are.
				synthetic: 1,
				model_name: 'hearth-seed-generator'
			}))
		);
		await insertAll(messages, (chunk) => trx.insertInto('messages').values(chunk).execute());
		await insertAll(
			trees.flatMap((t) =>
				t.tree.reviews.map((r) => ({
					message_id: r.messageId,
					reviewer_id: r.reviewerId,
					tree_id: t.tree.id,
					form: r.form,
					labels: JSON.stringify(r.labels),
					created_at: r.at
				}))
			),
			(chunk) => trx.insertInto('reviews').values(chunk).execute()
		);
		await insertAll(
			trees.flatMap((t) =>
				t.tree.rankings.map((r, position) => ({
					parent_id: r.parentId,
					user_id: r.userId,
					tree_id: t.tree.id,
					position,
					task_type:
						r.shownIds.length > 0 && isPrompterReply(t.tree, r.shownIds[0])
							? 'rank_prompter_replies'
							: 'rank_assistant_replies',
					shown_ids: JSON.stringify(r.shownIds),
					ranking: r.ranking === null ? null : JSON.stringify(r.ranking),
					created_at: r.at
				}))
			),
			(chunk) => trx.insertInto('rankings').values(chunk).execute()
		);
		return summarise(data);
	});
}

function isPrompterReply(tree: DemoData['trees'][number]['tree'], id: string): boolean {
	return tree.messages.find((m) => m.id === id)?.role === 'prompter';
}

function summarise(data: DemoData): DemoDataSummary {
	const states: DemoDataSummary['states'] = {};
	for (const { tree } of data.trees) states[tree.state] = (states[tree.state] ?? 0) + 1;
	return {
		trees: data.trees.length,
		messages: data.trees.reduce((sum, t) => sum + t.tree.messages.length, 0),
		users: data.users.length,
		states
	};
}

/**
 * Deletes the demo trees with everything on them (real contributors' work on them included)
 * and the demo accounts. Returns what was removed; all zeros when nothing was loaded.
 */
export async function removeDemoData(service: Service): Promise<Omit<DemoDataSummary, 'states'>> {
	return inWriteTransaction(service.database, async (trx) => {
		const treeIds = await demoTreeIds(trx);
		const messageIds: string[] = [];
		for (const chunk of chunks(treeIds)) {
			const rows = await trx
				.selectFrom('messages')
				.select('id')
				.where('tree_id', 'in', chunk)
				.execute();
			messageIds.push(...rows.map((r) => r.id));
		}
		const userIds = (
			await trx.selectFrom('users').select('id').where('demo', '=', 1).execute()
		).map((u) => u.id);

		for (const chunk of chunks(messageIds)) {
			await trx.deleteFrom('message_flags').where('message_id', 'in', chunk).execute();
			await trx.deleteFrom('awards').where('message_id', 'in', chunk).execute();
			await trx.deleteFrom('moderation_events').where('target_id', 'in', chunk).execute();
		}
		for (const chunk of chunks(treeIds)) {
			for (const table of ['leases', 'skips', 'rankings', 'reviews', 'awards'] as const) {
				await trx.deleteFrom(table).where('tree_id', 'in', chunk).execute();
			}
			await trx.deleteFrom('moderation_events').where('target_id', 'in', chunk).execute();
			await trx.deleteFrom('tree_events').where('tree_id', 'in', chunk).execute();
			await trx.deleteFrom('tree_tags').where('tree_id', 'in', chunk).execute();
			// One statement per chunk of whole trees: replies and their parents go together.
			await trx.deleteFrom('messages').where('tree_id', 'in', chunk).execute();
			await trx.deleteFrom('trees').where('id', 'in', chunk).execute();
		}
		for (const chunk of chunks(userIds)) {
			await trx.deleteFrom('awards').where('user_id', 'in', chunk).execute();
			await trx.deleteFrom('moderation_events').where('target_id', 'in', chunk).execute();
			await trx.deleteFrom('users').where('id', 'in', chunk).execute();
		}
		return { trees: treeIds.length, messages: messageIds.length, users: userIds.length };
	});
}

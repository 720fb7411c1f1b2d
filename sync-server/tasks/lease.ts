// Handing out tasks: a batch for offline work (a lease per task, 48 h by default) or a single
// task for online work — the same thing with a count of one. The tree manager chooses among
// the trees of the requested language (and tags); the choice runs over a random sample of the
// trees in each active state, so its cost does not grow with the database.
import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { LeasedTask } from '../../src/lib/protocol/sync';
import type { Task, TaskRequestType } from '../../src/lib/protocol/tasks';
import type { TreeState } from '../../src/lib/protocol/trees';
import type { LeasesTable, Tables } from '../db/schema';
import { ApiHttpError } from '../http/api-error';
import type { Caller } from '../identity/authenticate';
import { buildTask, chooseLabelForm } from '../tree-manager/build-task';
import { initialPromptsWanted } from '../tree-manager/lottery';
import { offerKey, workKindOf } from '../tree-manager/offer-key';
import type { Random } from '../../src/lib/shared/random';
import { chooseTaskBatch } from '../tree-manager/task-choice';
import { inWriteTransaction, lockRows, type Trx } from '../db/transaction';
import { loadTrees } from '../trees/tree-store';
import type { Service } from '../service/service';
import { requireOwnClient } from '../identity/clients';

export function toLeasedTask(row: Selectable<LeasesTable>): LeasedTask {
	return {
		task: JSON.parse(row.task) as Task,
		leasedAt: row.created_at,
		expiresAt: row.expires_at,
		tags: JSON.parse(row.tags) as string[]
	};
}

/** Priority rows read per candidate tree wanted: a tree holds a few sibling sets. */
const TOP_ROWS_PER_TREE = 4;

/** A condition on `trees`: the tree carries one of `tags`. */
const taggedWith = (tags: readonly string[]) => (eb: ExpressionBuilder<Tables, 'trees'>) =>
	eb.exists(
		eb
			.selectFrom('tree_tags')
			.select('tree_tags.tree_id')
			.whereRef('tree_tags.tree_id', '=', 'trees.id')
			.where('tree_tags.tag', 'in', tags)
	);

/** States whose trees offer tasks, sampled separately so each task category gets candidates. */
const activeStates: readonly TreeState[] = ['initial_prompt_review', 'growing', 'ranking'];

/**
 * Up to `perState` trees of each active state: a window of consecutive ids from a random point
 * (ids are random, so the window is a random sample), wrapping around at the end. A range read
 * on (lang, state, id), whatever the number of trees.
 */
async function candidateTreeIds(
	trx: Trx,
	lang: string,
	tags: readonly string[] | undefined,
	perState: number,
	random: Random
): Promise<string[]> {
	const ids: string[] = [];
	for (const state of activeStates) {
		let query = trx
			.selectFrom('trees')
			.select('id')
			.where('lang', '=', lang)
			.where('state', '=', state);
		if (tags && tags.length > 0) query = query.where(taggedWith(tags));
		const start = Math.floor(random() * 0x100000000)
			.toString(16)
			.padStart(8, '0');
		const after = await query.where('id', '>=', start).orderBy('id').limit(perState).execute();
		const wrapped =
			after.length < perState
				? await query
						.where('id', '<', start)
						.orderBy('id')
						.limit(perState - after.length)
						.execute()
				: [];
		ids.push(...after.map((r) => r.id), ...wrapped.map((r) => r.id));
	}
	// Active learning: the trees holding the sibling sets the trainer ranked most uncertain join
	// the random sample, so the task choice sees the top of the priorities, not only a window.
	// An index walk down the scores that stops after a few rows per wanted tree.
	let prioritised = trx
		.selectFrom('ranking_priorities')
		.innerJoin('trees', 'trees.id', 'ranking_priorities.tree_id')
		.select('ranking_priorities.tree_id as id')
		.where('trees.lang', '=', lang)
		.where('trees.state', '=', 'ranking');
	if (tags && tags.length > 0) prioritised = prioritised.where(taggedWith(tags));
	const top = await prioritised
		.orderBy('ranking_priorities.score', 'desc')
		.limit(perState * TOP_ROWS_PER_TREE)
		.execute();
	const topTrees = [...new Set(top.map((r) => r.id))].slice(0, perState);
	return [...new Set([...ids, ...topTrees])].sort();
}

/** The trainer's priorities of the sibling sets in these trees. */
async function rankingPrioritiesOf(
	trx: Trx,
	treeIds: readonly string[]
): Promise<Map<string, number>> {
	if (treeIds.length === 0) return new Map();
	const rows = await trx
		.selectFrom('ranking_priorities')
		.select(['parent_id', 'score'])
		.where('tree_id', 'in', treeIds)
		.execute();
	return new Map(rows.map((r) => [r.parent_id, Number(r.score)]));
}

async function openLeaseCounts(
	trx: Trx,
	caller: Caller,
	clientId: string,
	now: number
): Promise<{ client: number; user: number }> {
	const rows = await trx
		.selectFrom('leases')
		.select(['client_id', (eb) => eb.fn.countAll<number>().as('count')])
		.where('user_id', '=', caller.userId)
		.where('status', '=', 'open')
		.where('expires_at', '>', now)
		.groupBy('client_id')
		.execute();
	return {
		client: Number(rows.find((r) => r.client_id === clientId)?.count ?? 0),
		user: rows.reduce((sum, r) => sum + Number(r.count), 0)
	};
}

/**
 * New-prompt tasks still wanted in `lang`, less those already promised by open leases. Each
 * count stops one past its limit (all the rule needs), so it costs the same with any number of
 * trees.
 */
export async function initialPromptRoom(
	trx: Trx,
	service: Service,
	lang: string,
	now: number
): Promise<number> {
	const config = service.config.treeManager;
	const countUpTo = async (state: TreeState, limit: number) => {
		const row = await trx
			.selectFrom((eb) =>
				eb
					.selectFrom('trees')
					.select('id')
					.where('lang', '=', lang)
					.where('state', '=', state)
					.limit(limit + 1)
					.as('capped')
			)
			.select((eb) => eb.fn.countAll<number>().as('count'))
			.executeTakeFirstOrThrow();
		return Number(row.count);
	};
	const { maxActiveTrees, maxInitialPromptReview, maxWaiting } = config.lottery;
	const counts = {
		growing: await countUpTo('growing', maxActiveTrees),
		initialPromptReview: await countUpTo('initial_prompt_review', maxInitialPromptReview),
		waiting: await countUpTo('prompt_lottery_waiting', maxWaiting)
	};
	const promised = await trx
		.selectFrom('leases')
		.select((eb) => eb.fn.countAll<number>().as('count'))
		.where('task_type', '=', 'initial_prompt')
		.where('lang', '=', lang)
		.where('status', '=', 'open')
		.where('expires_at', '>', now)
		.executeTakeFirstOrThrow();
	return Math.max(0, initialPromptsWanted(counts, config) - Number(promised.count));
}

export interface LeaseOptions {
	clientId: string;
	count: number;
	lang: string;
	type: TaskRequestType;
	tags?: string[];
}

export async function leaseTasks(
	service: Service,
	caller: Caller,
	request: LeaseOptions
): Promise<LeasedTask[]> {
	const config = service.config.treeManager;
	const random = service.config.random;
	return inWriteTransaction(service.database, async (trx) => {
		const now = service.config.clock();
		await requireOwnClient(trx, service.database, caller, request.clientId);
		// Leases of one user are counted and taken one request at a time.
		await lockRows(trx, service.database, 'users', [caller.userId]);
		const open = await openLeaseCounts(trx, caller, request.clientId, now);
		const free = Math.min(
			request.count,
			config.leases.maxPerClient - open.client,
			config.leases.maxPerUser - open.user
		);
		if (free <= 0) {
			throw new ApiHttpError(
				409,
				'conflict',
				`you already hold ${open.client} open tasks on this device and ${open.user} in all ` +
					`(at most ${config.leases.maxPerClient} and ${config.leases.maxPerUser}); ` +
					'finish or hand back some first'
			);
		}

		const treeIds = await candidateTreeIds(
			trx,
			request.lang,
			request.tags,
			config.leases.candidateTreesPerState,
			random
		);
		const trees = await loadTrees(trx, treeIds, now);
		trees.sort((a, b) => (a.id < b.id ? -1 : 1));
		const [skipped, leased, tagRows, rankingPriorities] = await Promise.all([
			treeIds.length === 0
				? []
				: trx
						.selectFrom('skips')
						.select('offer_key')
						.where('user_id', '=', caller.userId)
						.where('tree_id', 'in', treeIds)
						.execute(),
			trx
				.selectFrom('leases')
				.select('offer_key')
				.where('user_id', '=', caller.userId)
				.where('status', '=', 'open')
				.where('expires_at', '>', now)
				.where('offer_key', 'is not', null)
				.execute(),
			treeIds.length === 0
				? []
				: trx
						.selectFrom('tree_tags')
						.select(['tree_id', 'tag'])
						.where('tree_id', 'in', treeIds)
						.orderBy('tag')
						.execute(),
			rankingPrioritiesOf(trx, treeIds)
		]);
		const offers = chooseTaskBatch({
			trees,
			contributor: {
				userId: caller.userId,
				skipped: new Set(skipped.map((s) => s.offer_key)),
				leased: new Set(leased.map((l) => l.offer_key!))
			},
			request: request.type,
			lang: request.lang,
			count: free,
			initialPrompts: await initialPromptRoom(trx, service, request.lang, now),
			random,
			config,
			rankingPriorities
		});

		const expiresAt = now + config.leases.durationMs;
		const tasks: LeasedTask[] = [];
		for (const offer of offers) {
			const tree =
				offer.type === 'initial_prompt' ? null : trees.find((t) => t.id === offer.treeId)!;
			const task = buildTask(offer, tree, {
				taskId: randomUUID(),
				labelForm: chooseLabelForm(offer, request.type, random, config),
				random,
				hint: request.tags?.length ? `A prompt about ${request.tags.join(', ')}` : null
			});
			const tags =
				offer.type === 'initial_prompt'
					? (request.tags ?? [])
					: tagRows.filter((t) => t.tree_id === offer.treeId).map((t) => t.tag);
			await trx
				.insertInto('leases')
				.values({
					id: task.id,
					user_id: caller.userId,
					client_id: request.clientId,
					tree_id: offer.type === 'initial_prompt' ? null : offer.treeId,
					offer_key:
						offer.type === 'initial_prompt'
							? null
							: offerKey(workKindOf(offer.type), offer.targetId),
					task_type: offer.type,
					lang: offer.lang,
					task: JSON.stringify(task),
					tags: JSON.stringify(tags),
					created_at: now,
					expires_at: expiresAt,
					status: 'open'
				})
				.execute();
			tasks.push({ task, leasedAt: now, expiresAt, tags });
		}
		return tasks;
	});
}

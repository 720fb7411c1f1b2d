// PUT /api/trainer/ranking-priorities {priorities: [{parentId, score}]} (trainer tokens): the
// reward model's uncertainty per sibling set waiting for rankings, which the task choice serves
// highest first (tree-manager/ranking-priority.ts). The request replaces every priority held, in
// one transaction, so sending the same body twice leaves the same table. A parent that is not a
// sibling set of a tree in `ranking` is listed back with a code and kept out; the rest is stored.
import type { FastifyInstance } from 'fastify';
import {
	rankingPrioritiesRequestSchema,
	type RankingPrioritiesResponse
} from '../../src/lib/protocol/ranking-priorities';
import { inWriteTransaction, type Trx } from '../db/transaction';
import { authenticateTrainer } from '../identity/trainer-tokens';
import type { ZodTypeProvider } from '../http/zod-validation';
import type { Service } from '../service/service';
import { siblingSets } from '../tree-manager/growth';
import { loadTrees } from '../trees/tree-store';

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
	return out;
}

/** The tree of each named parent that exists. */
async function treesOfMessages(trx: Trx, ids: readonly string[]): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	for (const chunk of chunks(ids)) {
		const rows = await trx
			.selectFrom('messages')
			.select(['id', 'tree_id'])
			.where('id', 'in', chunk)
			.execute();
		for (const row of rows) found.set(row.id, row.tree_id);
	}
	return found;
}

export function rankingPriorityRoutes(app: FastifyInstance, service: Service): void {
	app
		.withTypeProvider<ZodTypeProvider>()
		.put(
			'/api/trainer/ranking-priorities',
			{ schema: { body: rankingPrioritiesRequestSchema }, bodyLimit: 8 * 1024 ** 2 },
			async (request): Promise<RankingPrioritiesResponse> => {
				const trainer = await authenticateTrainer(service, request, 'setting ranking priorities');
				const { priorities } = request.body;
				return inWriteTransaction(service.database, async (trx) => {
					const now = service.config.clock();
					const treeOf = await treesOfMessages(
						trx,
						priorities.map((p) => p.parentId)
					);
					const treeIds = [...new Set(treeOf.values())];
					const sets = new Set<string>();
					const ranking = new Set<string>();
					for (const chunk of chunks(treeIds)) {
						for (const tree of await loadTrees(trx, chunk, now)) {
							if (tree.state !== 'ranking') continue;
							ranking.add(tree.id);
							for (const set of siblingSets(tree, service.config.treeManager))
								sets.add(set.parentId);
						}
					}
					const rejected: RankingPrioritiesResponse['rejected'] = [];
					const rows = [];
					for (const { parentId, score } of priorities) {
						const treeId = treeOf.get(parentId);
						if (treeId === undefined) {
							rejected.push({ parentId, code: 'unknown_message', message: 'no such message' });
						} else if (!ranking.has(treeId)) {
							rejected.push({
								parentId,
								code: 'not_ranking',
								message: `its tree ${treeId} is not in the ranking state`
							});
						} else if (!sets.has(parentId)) {
							rejected.push({
								parentId,
								code: 'not_a_sibling_set',
								message: 'it has fewer than two accepted replies to rank'
							});
						} else {
							rows.push({ parent_id: parentId, tree_id: treeId, score, trainer, set_at: now });
						}
					}
					await trx.deleteFrom('ranking_priorities').execute();
					for (const chunk of chunks(rows)) {
						await trx.insertInto('ranking_priorities').values(chunk).execute();
					}
					return { stored: rows.length, rejected };
				});
			}
		);
}

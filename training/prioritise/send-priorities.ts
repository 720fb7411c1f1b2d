// Sends the reward model's uncertainty per sibling set to the server (PUT
// /api/trainer/ranking-priorities), which then hands out ranking tasks for the most uncertain sets
// first. One request replaces every priority the server held, so sets ranked since, or no longer
// waiting, drop out by themselves.
import {
	rankingPrioritiesRequestSchema,
	type RankingPriority,
	rankingPrioritiesResponseSchema,
	type RankingPrioritiesResponse
} from '../../src/lib/protocol/ranking-priorities';
import { zodProblems } from '../../src/lib/shared/zod-issues';
import { callServer, type Server } from '../hearth-server';

export const PRIORITIES_FILE = 'priorities.jsonl';

export async function sendPriorities(
	server: Server,
	priorities: readonly RankingPriority[],
	source: string
): Promise<RankingPrioritiesResponse> {
	const body = rankingPrioritiesRequestSchema.safeParse({ priorities });
	if (!body.success) throw new Error(`${source}: ${zodProblems(body.error).join('; ')}`);
	const response = await callServer(server, 'PUT', '/api/trainer/ranking-priorities', {
		expect: [200],
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body.data)
	});
	return rankingPrioritiesResponseSchema.parse(await response.json());
}

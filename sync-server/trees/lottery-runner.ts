// Running the prompt lottery against the database: when a prompt was accepted or a growing tree
// freed its slot (in the same transaction), and on a timer for everything else.
import { inWriteTransaction, lockName, lockRows } from '../db/transaction';
import type { Service } from '../service/service';
import { drawLottery, type LotteryEntry } from '../tree-manager/lottery';
import { winLottery } from '../tree-manager/state-machine';
import { persistSettlement } from './persist-settlement';
import { loadTree } from './tree-store';
import { WriteSession } from './write-session';

/** Draws for `langs` (all languages with waiting prompts when omitted); returns the winners. */
export async function runLottery(
	session: WriteSession,
	langs?: Iterable<string>
): Promise<string[]> {
	const { trx, now, treeConfig: config } = session;
	const wanted = langs ? [...new Set(langs)].sort() : await langsWithWaitingPrompts(session);
	if (wanted.length === 0) return [];
	// Two transactions drawing for one language at once could both fill its last slot.
	for (const lang of wanted) await lockName(trx, session.database, `lottery:${lang}`);

	const waiting = await trx
		.selectFrom('trees')
		.innerJoin('messages', 'messages.id', 'trees.id')
		.select(['trees.id as treeId', 'trees.lang as lang', 'messages.author_id as authorId'])
		.where('trees.state', '=', 'prompt_lottery_waiting')
		.where('trees.lang', 'in', wanted)
		.execute();
	if (waiting.length === 0) return [];

	const growing = await trx
		.selectFrom('trees')
		.select(['lang', (eb) => eb.fn.countAll<number>().as('count')])
		.where('state', '=', 'growing')
		.where('lang', 'in', wanted)
		.groupBy('lang')
		.execute();
	const authors = [...new Set(waiting.map((w) => w.authorId))];
	const weekAgo = now - config.leaderboard.weekMs;
	const firsts = await trx
		.selectFrom('awards')
		.innerJoin('messages', 'messages.id', 'awards.message_id')
		.select(['awards.user_id as userId', (eb) => eb.fn.countAll<number>().as('count')])
		.where('awards.kind', '=', 'reply_ranked')
		.where('messages.rank', '=', 0)
		.where('awards.created_at', '>=', weekAgo)
		.where('awards.user_id', 'in', authors)
		.groupBy('awards.user_id')
		.execute();
	const firstsOf = new Map(firsts.map((f) => [f.userId, Number(f.count)]));

	const entries: LotteryEntry[] = waiting.map((w) => ({
		...w,
		authorFirstRanksThisWeek: firstsOf.get(w.authorId) ?? 0
	}));
	const winners = drawLottery(
		entries,
		Object.fromEntries(growing.map((g) => [g.lang, Number(g.count)])),
		session.service.config.random,
		config
	);
	await lockRows(trx, session.database, 'trees', winners);
	for (const treeId of winners) {
		const tree = await loadTree(trx, treeId, now);
		if (tree?.state !== 'prompt_lottery_waiting') continue;
		await persistSettlement(session, winLottery(tree, now, config));
	}
	return winners;
}

async function langsWithWaitingPrompts(session: WriteSession): Promise<string[]> {
	const rows = await session.trx
		.selectFrom('trees')
		.select('lang')
		.distinct()
		.where('state', '=', 'prompt_lottery_waiting')
		.orderBy('lang')
		.execute();
	return rows.map((r) => r.lang);
}

/** Runs the lottery for the languages the session's changes concern, if any. */
export async function runDueLottery(session: WriteSession): Promise<void> {
	if (session.lotteryLangs.size === 0) return;
	const langs = [...session.lotteryLangs];
	session.lotteryLangs.clear();
	await runLottery(session, langs);
}

/** One lottery run over every language with waiting prompts, in its own transaction. */
export async function runLotteryNow(service: Service): Promise<string[]> {
	return inWriteTransaction(service.database, async (trx) => {
		const session = new WriteSession(trx, service, service.config.clock());
		const winners = await runLottery(session);
		await session.flush();
		return winners;
	});
}

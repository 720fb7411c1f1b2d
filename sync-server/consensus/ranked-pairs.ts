// Tideman's ranked pairs: the consensus order of a sibling set from several contributors'
// rankings, over the ids every ranking contains.
//
// 1. For every pair (a, b) count the rankings that put a above b; the margin of a over b is
//    that count minus the count the other way.
// 2. Take the pairs with a positive margin, strongest first, and lock each one into a graph
//    unless it would close a cycle with pairs already locked (a Condorcet cycle is broken at
//    its weakest link).
// 3. Read the order off the locked graph: repeatedly take a candidate nobody remaining is
//    locked above.
//
// Ties are broken by a tie-break order, which Tideman draws from a random voter's ballot; we
// use the first ranking given (callers pass rankings in submission order), so the same
// submissions always give the same consensus. Pairs of equal margin are locked in order of
// their winner's tie-break position, then of their loser's from last to first (the pair
// against the weakest opponent first, as in Zavist & Tideman's completion of the method).
// Pairs with margin 0 are never locked; where the locked graph leaves candidates unordered,
// the tie-break order decides.

export interface LockedPair {
	winner: string;
	loser: string;
	margin: number;
}

export interface RankedPairsResult {
	/** Consensus, best first: `order[0]` gets rank 0. */
	order: string[];
	/** Ids every ranking contains, in tie-break order. */
	commonIds: string[];
	/** All pairs with a positive margin, in the order they were considered. */
	majorities: LockedPair[];
	/** The majorities that were locked; the rest would have closed a cycle. */
	locked: LockedPair[];
}

function assertDistinct(ranking: readonly string[], index: number): void {
	if (new Set(ranking).size !== ranking.length) {
		throw new Error(`ranking ${index} lists an id more than once: ${ranking.join(', ')}`);
	}
}

export function commonIdsOf(rankings: readonly (readonly string[])[]): string[] {
	const [first, ...rest] = rankings;
	const others = rest.map((r) => new Set(r));
	return first.filter((id) => others.every((set) => set.has(id)));
}

export function rankedPairs(rankings: readonly (readonly string[])[]): RankedPairsResult {
	if (rankings.length === 0) throw new Error('ranked pairs needs at least one ranking');
	rankings.forEach(assertDistinct);

	const commonIds = commonIdsOf(rankings);
	const tieBreak = new Map(commonIds.map((id, i) => [id, i]));
	const positions = rankings.map((ranking) => {
		const common = ranking.filter((id) => tieBreak.has(id));
		return new Map(common.map((id, i) => [id, i]));
	});

	const majorities: LockedPair[] = [];
	for (const a of commonIds) {
		for (const b of commonIds) {
			if (a === b) continue;
			const margin = positions.reduce((sum, pos) => sum + Math.sign(pos.get(b)! - pos.get(a)!), 0);
			if (margin > 0) majorities.push({ winner: a, loser: b, margin });
		}
	}
	majorities.sort(
		(x, y) =>
			y.margin - x.margin ||
			tieBreak.get(x.winner)! - tieBreak.get(y.winner)! ||
			tieBreak.get(y.loser)! - tieBreak.get(x.loser)!
	);

	const above = new Map<string, Set<string>>(commonIds.map((id) => [id, new Set()]));
	const reaches = (from: string, to: string): boolean => {
		const stack = [from];
		const seen = new Set<string>();
		while (stack.length > 0) {
			const id = stack.pop()!;
			if (id === to) return true;
			if (seen.has(id)) continue;
			seen.add(id);
			stack.push(...above.get(id)!);
		}
		return false;
	};
	const locked: LockedPair[] = [];
	for (const pair of majorities) {
		if (reaches(pair.loser, pair.winner)) continue;
		above.get(pair.winner)!.add(pair.loser);
		locked.push(pair);
	}

	const order: string[] = [];
	const remaining = new Set(commonIds);
	while (remaining.size > 0) {
		// commonIds is in tie-break order, so the first unbeaten candidate wins ties.
		const next = commonIds.find(
			(id) => remaining.has(id) && locked.every((p) => p.loser !== id || !remaining.has(p.winner))
		)!;
		order.push(next);
		remaining.delete(next);
	}
	return { order, commonIds, majorities, locked };
}

// Randomness is injected: every choice takes a `Random` (same contract as Math.random), so the
// server passes Math.random and tests pass a seeded generator and get the same draws each run.

/** Returns a float in [0, 1). */
export type Random = () => number;

/** mulberry32: a small, fast 32-bit generator; good enough for task choice, not for secrets. */
export function seededRandom(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function pickOne<T>(items: readonly T[], random: Random): T {
	if (items.length === 0) throw new Error('pickOne: nothing to pick from');
	return items[Math.floor(random() * items.length)];
}

/** Picks an item with probability proportional to its weight; null when all weights are 0. */
export function pickWeighted<T>(
	items: readonly T[],
	weightOf: (item: T) => number,
	random: Random
): T | null {
	const weights = items.map(weightOf);
	const total = weights.reduce((sum, w) => sum + w, 0);
	if (!(total > 0)) return null;
	let threshold = random() * total;
	for (let i = 0; i < items.length; i++) {
		if (weights[i] <= 0) continue;
		threshold -= weights[i];
		if (threshold < 0) return items[i];
	}
	// Rounding can leave a sliver past the last item; it belongs to the last positive weight.
	return items[weights.findLastIndex((w) => w > 0)];
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

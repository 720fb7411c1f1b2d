// Randomness is injected: every choice takes a `Random` (same contract as Math.random), so the
// server passes Math.random and tests pass a seeded generator and get the same draws each run.

import type { Random } from '../../src/lib/shared/random';

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

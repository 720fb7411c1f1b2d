// When to try again after a failed sync. The delay doubles with each failure up to a ceiling,
// and each one is jittered: after a server outage, every device that was waiting must not
// come back in the same second.

export interface BackoffOptions {
	/** The delay after the first failure, before jitter. */
	baseMs: number;
	/** No delay grows beyond this, before jitter. */
	capMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 2_000, capMs: 5 * 60_000 };

/**
 * The wait after the `failures`-th failure in a row (1 for the first): the doubled delay
 * `d = min(cap, base · 2^(failures−1))`, jittered uniformly in [d/2, d) by `random()` ∈ [0, 1)
 * ("equal jitter": spread out, yet never retrying at once).
 */
export function retryDelay(
	failures: number,
	random: () => number,
	{ baseMs, capMs }: BackoffOptions = defaultBackoff
): number {
	if (!Number.isInteger(failures) || failures < 1) {
		throw new RangeError(`failures must be a whole number ≥ 1, got ${failures}`);
	}
	// 2^(failures−1) overflows to Infinity long after the cap applies; min() handles that.
	const delay = Math.min(capMs, baseMs * 2 ** (failures - 1));
	return Math.floor(delay / 2 + random() * (delay / 2));
}

/** A server's Retry-After wins when it asks for longer than our own schedule would wait. */
export function nextAttemptDelay(
	failures: number,
	random: () => number,
	retryAfterMs: number | null,
	options: BackoffOptions = defaultBackoff
): number {
	return Math.max(retryDelay(failures, random, options), retryAfterMs ?? 0);
}

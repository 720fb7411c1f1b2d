/**
 * Download rate and time left over a sliding window: a whole-download average hides a network
 * that just slowed down, a per-chunk rate jumps around too much to read.
 */
export class RateMeter {
	readonly #samples: { at: number; bytes: number }[] = [];

	constructor(
		private readonly windowMs = 5000,
		private readonly now: () => number = () => performance.now()
	) {}

	/** Records that `bytes` more arrived. */
	add(bytes: number): void {
		const at = this.now();
		const last = this.#samples.at(-1);
		this.#samples.push({ at, bytes: (last?.bytes ?? 0) + bytes });
		while (this.#samples.length > 2 && at - this.#samples[0].at > this.windowMs)
			this.#samples.shift();
	}

	/** Bytes per second over the window; null until there is a measurable interval. */
	bytesPerSecond(): number | null {
		const first = this.#samples[0];
		const last = this.#samples.at(-1);
		if (!first || !last || last.at - first.at <= 0) return null;
		return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
	}

	/** Seconds until `remainingBytes` arrive at the current rate; null when unknown. */
	secondsLeft(remainingBytes: number): number | null {
		const rate = this.bytesPerSecond();
		if (remainingBytes <= 0) return 0;
		return rate ? remainingBytes / rate : null;
	}
}

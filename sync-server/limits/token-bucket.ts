// Token buckets keyed by a string (a device token, an address): each key may spend `capacity`
// requests at once and regains `perSecond`. Buckets that refilled completely are forgotten, so
// memory stays proportional to the keys active in the last few seconds.
import type { BucketConfig } from '../service/service-config';

interface Bucket {
	tokens: number;
	updatedAt: number;
}

export class TokenBuckets {
	private readonly buckets = new Map<string, Bucket>();
	private lastSweep = 0;

	constructor(
		private readonly config: BucketConfig,
		private readonly clock: () => number
	) {}

	/** Takes one token for `key`; returns 0 when allowed, else the seconds until one is back. */
	take(key: string): number {
		const now = this.clock();
		this.sweep(now);
		const bucket = this.refilled(this.buckets.get(key), now);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			this.buckets.set(key, bucket);
			return 0;
		}
		this.buckets.set(key, bucket);
		return Math.max(1, Math.ceil((1 - bucket.tokens) / this.config.perSecond));
	}

	private refilled(bucket: Bucket | undefined, now: number): Bucket {
		if (!bucket) return { tokens: this.config.capacity, updatedAt: now };
		const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
		return {
			tokens: Math.min(this.config.capacity, bucket.tokens + elapsed * this.config.perSecond),
			updatedAt: now
		};
	}

	private sweep(now: number): void {
		const fullAfterMs = (this.config.capacity / this.config.perSecond) * 1000;
		if (now - this.lastSweep < Math.max(1000, fullAfterMs)) return;
		this.lastSweep = now;
		for (const [key, bucket] of this.buckets) {
			if (this.refilled(bucket, now).tokens >= this.config.capacity) this.buckets.delete(key);
		}
	}

	get size(): number {
		return this.buckets.size;
	}
}

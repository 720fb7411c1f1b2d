import { describe, expect, it } from 'vitest';
import { RateMeter } from '$lib/models/rate-meter';
import { formatDuration, formatRate } from '$lib/models/format';

describe('RateMeter', () => {
	it('measures the rate over the recent window only', () => {
		let now = 0;
		const meter = new RateMeter(5000, () => now);
		expect(meter.bytesPerSecond()).toBeNull();
		meter.add(0);
		for (let s = 1; s <= 10; s++) {
			now = s * 1000;
			meter.add(s <= 5 ? 1_000_000 : 100_000);
		}
		// The first five seconds ran at 1 MB/s; the window only sees the slow last five.
		expect(meter.bytesPerSecond()).toBeCloseTo(100_000, -3);
		expect(meter.secondsLeft(1_000_000)).toBeCloseTo(10, 0);
	});
	it('knows nothing is left and cannot guess without a rate', () => {
		const meter = new RateMeter(5000, () => 0);
		expect(meter.secondsLeft(0)).toBe(0);
		expect(meter.secondsLeft(100)).toBeNull();
	});
});

describe('formatting', () => {
	it('reads like a download dialog', () => {
		expect(formatRate(2_500_000)).toBe('2.5 MB/s');
		expect(formatRate(null)).toBe('—');
		expect(formatDuration(42.2)).toBe('43 s');
		expect(formatDuration(125)).toBe('2 min 5 s');
		expect(formatDuration(7260)).toBe('2 h 1 min');
		expect(formatDuration(null)).toBe('—');
	});
});

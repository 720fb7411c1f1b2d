import { describe, expect, it } from 'vitest';
import { nextAttemptDelay, retryDelay } from '$lib/sync/backoff';

const options = { baseMs: 1_000, capMs: 60_000 };

describe('retryDelay', () => {
	it('doubles with each failure, jittered between half and all of the doubled delay', () => {
		for (let failures = 1; failures <= 6; failures++) {
			const delay = 1_000 * 2 ** (failures - 1);
			expect(retryDelay(failures, () => 0, options)).toBe(delay / 2);
			expect(retryDelay(failures, () => 0.999999, options)).toBe(Math.floor(delay * 0.9999995));
		}
	});

	it('never grows beyond the cap, even after very many failures', () => {
		expect(retryDelay(7, () => 0.5, options)).toBe(45_000);
		expect(retryDelay(5_000, () => 0.5, options)).toBe(45_000);
	});

	it('spreads devices that failed together over the whole jitter window', () => {
		let state = 1;
		const random = () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
		const delays = Array.from({ length: 200 }, () => retryDelay(4, random, options));
		expect(Math.min(...delays)).toBeGreaterThanOrEqual(4_000);
		expect(Math.max(...delays)).toBeLessThan(8_000);
		// Not all in one corner: both halves of the window are used.
		expect(delays.filter((d) => d < 6_000).length).toBeGreaterThan(50);
		expect(delays.filter((d) => d >= 6_000).length).toBeGreaterThan(50);
	});

	it('refuses a failure count that is not a whole number from 1', () => {
		expect(() => retryDelay(0, () => 0)).toThrow(RangeError);
		expect(() => retryDelay(1.5, () => 0)).toThrow('failures must be a whole number ≥ 1, got 1.5');
	});
});

describe('nextAttemptDelay', () => {
	it('waits as long as the server asked when that is longer than our schedule', () => {
		expect(nextAttemptDelay(1, () => 0, 30_000, options)).toBe(30_000);
		expect(nextAttemptDelay(6, () => 0, 1_000, options)).toBe(16_000);
		expect(nextAttemptDelay(2, () => 0, null, options)).toBe(1_000);
	});
});

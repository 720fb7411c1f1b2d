import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StopStringWatcher, argmax, sampleToken } from '$workers/sampling';
import { seededRandom } from '$lib/shared/random';

const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const none = new Set<number>();

describe('sampleToken', () => {
	it('greedy picks the largest logit, the lowest id on a tie', () => {
		expect(sampleToken([0.1, 3, -2, 3], greedy, none, Math.random)).toBe(1);
		expect(argmax([5, 5, 5])).toBe(0);
	});

	it('repetition penalty divides positive and multiplies negative logits of seen tokens', () => {
		const penalty = { ...greedy, repetitionPenalty: 2 };
		// token 0: 3 → 1.5 loses to token 1 (2); without the penalty token 0 wins.
		expect(sampleToken([3, 2, -1], greedy, new Set([0]), Math.random)).toBe(0);
		expect(sampleToken([3, 2, -1], penalty, new Set([0]), Math.random)).toBe(1);
		// token 1 at -1 becomes -2 and loses to token 0 at -1.5.
		expect(sampleToken([-1.5, -1, -3], penalty, new Set([1]), Math.random)).toBe(0);
	});

	it('top-k 1 is greedy whatever the temperature and the random draw', () => {
		const settings = { temperature: 2, topK: 1, topP: 1, repetitionPenalty: 1 };
		for (const draw of [0, 0.5, 0.999]) {
			expect(sampleToken([0, 1, 4, 2], settings, none, () => draw)).toBe(2);
		}
	});

	it('top-k keeps only the k best tokens', () => {
		const logits = [5, 4, 3, 2, 1, 0];
		const settings = { temperature: 10, topK: 3, topP: 1, repetitionPenalty: 1 };
		const random = seededRandom(1);
		const drawn = new Set(
			Array.from({ length: 500 }, () => sampleToken(logits, settings, none, random))
		);
		expect([...drawn].sort()).toEqual([0, 1, 2]);
	});

	it('top-p keeps the smallest set whose probability reaches p', () => {
		// probabilities ≈ 0.665, 0.245, 0.090: p = 0.8 keeps the first two only.
		const logits = [2, 1, 0];
		const settings = { temperature: 1, topK: 0, topP: 0.8, repetitionPenalty: 1 };
		const random = seededRandom(3);
		const drawn = new Set(
			Array.from({ length: 500 }, () => sampleToken(logits, settings, none, random))
		);
		expect([...drawn].sort()).toEqual([0, 1]);
	});

	it('samples in proportion to softmax(logits / temperature)', () => {
		const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
		const settings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };
		const random = seededRandom(99);
		const counts = [0, 0, 0];
		for (let i = 0; i < 20_000; i++) counts[sampleToken(logits, settings, none, random)]++;
		expect(counts[0] / 20_000).toBeCloseTo(0.5, 1);
		expect(counts[1] / 20_000).toBeCloseTo(0.3, 1);
		expect(counts[2] / 20_000).toBeCloseTo(0.2, 1);
	});

	it('the same seed gives the same tokens, for any logits and settings', () => {
		fc.assert(
			fc.property(
				fc.array(fc.float({ min: -20, max: 20, noNaN: true }), { minLength: 2, maxLength: 64 }),
				fc.integer({ min: 0, max: 2 ** 32 - 1 }),
				fc.record({
					temperature: fc.double({ min: 0.1, max: 2, noNaN: true }),
					topK: fc.integer({ min: 0, max: 10 }),
					topP: fc.double({ min: 0.05, max: 1, noNaN: true }),
					repetitionPenalty: fc.double({ min: 1, max: 2, noNaN: true })
				}),
				(logits, seed, settings) => {
					const run = () => {
						const random = seededRandom(seed);
						const seen = new Set<number>([0]);
						return Array.from({ length: 8 }, () => {
							const id = sampleToken(logits, settings, seen, random);
							seen.add(id);
							return id;
						});
					};
					expect(run()).toEqual(run());
				}
			)
		);
	});

	it('handles a vocabulary the size of a real model', () => {
		const vocab = 151_936;
		const logits = new Float32Array(vocab).map((_, i) => Math.sin(i));
		const settings = { temperature: 0.7, topK: 0, topP: 0.9, repetitionPenalty: 1.1 };
		const id = sampleToken(logits, settings, new Set([1, 2, 3]), seededRandom(5));
		expect(id).toBeGreaterThanOrEqual(0);
		expect(id).toBeLessThan(vocab);
		expect(sampleToken(logits, settings, new Set([1, 2, 3]), seededRandom(5))).toBe(id);
	});
});

describe('StopStringWatcher', () => {
	function stream(stops: string[], pieces: string[]) {
		const watcher = new StopStringWatcher(stops);
		let shown = '';
		let stoppedAt = -1;
		pieces.forEach((piece, i) => {
			const { text, stopped } = watcher.push(piece);
			shown += text;
			if (stopped && stoppedAt === -1) stoppedAt = i;
		});
		if (stoppedAt === -1) shown += watcher.flush();
		return { shown, stoppedAt };
	}

	it('finds a stop string split across tokens and leaves it out of the text', () => {
		expect(stream(['\nUser:'], ['Hi', ' there', '\nU', 'se', 'r:', ' more'])).toEqual({
			shown: 'Hi there',
			stoppedAt: 4
		});
	});

	it('never shows part of a stop string before it is complete', () => {
		const watcher = new StopStringWatcher(['STOP']);
		expect(watcher.push('abcST')).toEqual({ text: 'abc', stopped: false });
		expect(watcher.push('O')).toEqual({ text: '', stopped: false });
		expect(watcher.push('P!')).toEqual({ text: '', stopped: true });
	});

	it('releases held text when it turns out not to be a stop string', () => {
		expect(stream(['STOP'], ['ST', 'ART'])).toEqual({ shown: 'START', stoppedAt: -1 });
		expect(stream(['STOP'], ['xx', 'STO'])).toEqual({ shown: 'xxSTO', stoppedAt: -1 });
	});

	it('stops at whichever stop string comes first', () => {
		expect(stream(['bb', 'a'], ['xbba'])).toEqual({ shown: 'x', stoppedAt: 0 });
	});

	it('with no stop strings shows everything at once', () => {
		const watcher = new StopStringWatcher([]);
		expect(watcher.push('abc')).toEqual({ text: 'abc', stopped: false });
	});

	it('shows exactly the text before the first stop, however the text is split', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 40 }),
				fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }),
				(text, cuts) => {
					const stops = ['abc', 'ca'];
					const points = [...new Set(cuts.filter((c) => c < text.length))].sort((a, b) => a - b);
					const pieces = [0, ...points].map((start, i) =>
						text.slice(start, points[i] ?? text.length)
					);
					const firstStop = Math.min(
						...stops.map((s) => text.indexOf(s)).filter((at) => at !== -1),
						text.length
					);
					expect(stream(stops, pieces).shown).toBe(text.slice(0, firstStop));
				}
			)
		);
	});
});

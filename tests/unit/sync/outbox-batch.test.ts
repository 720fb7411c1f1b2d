import { describe, expect, it } from 'vitest';
import { nextPushBatch, type QueuedMutation } from '$lib/sync/outbox-batch';
import type { OutboxEntry } from '$lib/db/records/outbox-entry';

function entries(...seqs: number[]): OutboxEntry<QueuedMutation>[] {
	return seqs.map((seq) => ({
		seq,
		createdAt: seq,
		mutation: { name: 'skip_task', args: { n: seq } }
	}));
}

describe('nextPushBatch', () => {
	it('takes entries in seq order as wire mutations', () => {
		expect(nextPushBatch(entries(3, 1, 2))).toEqual([
			{ seq: 1, name: 'skip_task', args: { n: 1 } },
			{ seq: 2, name: 'skip_task', args: { n: 2 } },
			{ seq: 3, name: 'skip_task', args: { n: 3 } }
		]);
	});

	it('stops at the size limit', () => {
		const batch = nextPushBatch(entries(...Array.from({ length: 250 }, (_, i) => i + 1)));
		expect(batch.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
		expect(nextPushBatch(entries(4, 5, 6, 7), 2).map((m) => m.seq)).toEqual([4, 5]);
	});

	it('ends a batch at a hole, because the seqs of one push must be consecutive', () => {
		expect(nextPushBatch(entries(7, 8, 10, 11)).map((m) => m.seq)).toEqual([7, 8]);
	});

	it('is empty for an empty outbox', () => {
		expect(nextPushBatch([])).toEqual([]);
	});
});

// Which outbox entries one push carries. The protocol wants the seqs of a push consecutive; a
// hole in the local outbox (an aborted write used up a seq) ends the batch there, and the
// server's answer to the next batch (409: a gap) is what closes the hole.
import { MAX_MUTATIONS_PER_PUSH, type Mutation, type MutationName } from '$lib/protocol/sync';
import type { OutboxEntry } from '$lib/db/records/outbox-entry';

/** What the outbox stores for each local change: a protocol mutation without its seq. */
export interface QueuedMutation {
	name: MutationName;
	args: unknown;
}

/** The first run of consecutive entries, at most `max` long, as wire mutations in seq order. */
export function nextPushBatch(
	entries: readonly OutboxEntry<QueuedMutation>[],
	max: number = MAX_MUTATIONS_PER_PUSH
): Mutation[] {
	const sorted = [...entries].sort((a, b) => a.seq - b.seq);
	const batch: Mutation[] = [];
	for (const entry of sorted) {
		if (batch.length === max) break;
		if (batch.length > 0 && entry.seq !== batch[batch.length - 1].seq + 1) break;
		batch.push({ seq: entry.seq, name: entry.mutation.name, args: entry.mutation.args });
	}
	return batch;
}

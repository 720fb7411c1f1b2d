// Handing a task back: the contributor will not do it after all. No reason is asked and nothing
// is recorded against the work (a skip says "not for me"; this says "not now"): the lease ends,
// its slot on the device is free again, and the work can go to someone else — or to this
// contributor again later.
import type { MutationArgs } from '../../src/lib/protocol/sync';
import type { MutationContext, MutationResult } from './mutation-context';
import { finishLease, takeLease } from './leased-work';

export async function releaseTask(
	ctx: MutationContext,
	{ taskId }: MutationArgs<'release_task'>
): Promise<MutationResult> {
	await finishLease(ctx, await takeLease(ctx, taskId), 'released');
	return {};
}

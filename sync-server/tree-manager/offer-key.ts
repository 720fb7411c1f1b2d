// One string per piece of work on a message, shared by leases, skips and "already done":
// replying to a message, labelling it, or ranking its replies.
import type { TaskType } from '../../src/lib/protocol/tasks';

export type WorkKind = 'reply' | 'label' | 'rank';

export function workKindOf(type: Exclude<TaskType, 'initial_prompt'>): WorkKind {
	if (type.startsWith('label_')) return 'label';
	if (type.startsWith('rank_')) return 'rank';
	return 'reply';
}

/** `targetId` is the parent for replies and rankings, the labelled message for labels. */
export function offerKey(kind: WorkKind, targetId: string): string {
	return `${kind}:${targetId}`;
}

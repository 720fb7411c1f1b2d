// What to tell a contributor after "Take tasks for offline": how many arrived, or — when the
// server refused — what to do about it, in plain words instead of the server's text. A full
// device (the server's lease cap) comes with a way out: hand back the unstarted tasks that do
// not match what was asked for, and take the asked-for kind instead. Pure.
import { ApiError, NetworkError } from '$lib/sync/api-client';
import type { HeldTask } from '$lib/db/records/leased-task';
import { taskGuides } from './guidelines';
import { matchesFilter, type TaskFilter } from './task-filter';

/** Hand these tasks back, then take tasks again: what the button under a full-device message does. */
export interface MakeRoom {
	taskIds: string[];
	label: string;
}

export interface LeaseRefusal {
	message: string;
	makeRoom: MakeRoom | null;
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function takenNotice(count: number): string {
	return count === 0
		? 'No tasks match right now. Try another language, topic or kind, or come back later.'
		: count === 1
			? 'Took 1 task: it stays on this device for offline work.'
			: `Took ${count} tasks: they stay on this device for offline work.`;
}

/**
 * The way out of a full device: the held tasks that do not match the filter and were not
 * started (no saved draft). Null when there are none, or when any task would do.
 */
export function makeRoomFor(
	held: readonly HeldTask[],
	filter: TaskFilter,
	started: ReadonlySet<string>
): MakeRoom | null {
	const spare = held.filter((t) => !matchesFilter(t, filter) && !started.has(t.id));
	if (spare.length === 0) return null;
	const tasks = plural(spare.length, 'unstarted task');
	const label =
		filter.type === 'random'
			? `Hand back the ${tasks} that ${spare.length === 1 ? 'doesn’t' : 'don’t'} match and take new ones`
			: `Hand back the ${tasks} of other kinds and take “${taskGuides[filter.type].title}” tasks`;
	return { taskIds: spare.map((t) => t.id), label };
}

/** A refused lease, in words the contributor can act on. `error` is what the lease threw. */
export function leaseRefusal(
	error: unknown,
	held: readonly HeldTask[],
	filter: TaskFilter,
	started: ReadonlySet<string>
): LeaseRefusal {
	const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
	if (cause instanceof NetworkError) {
		return {
			message:
				'Tasks can only be taken online, and the server cannot be reached right now. The tasks ' +
				'already on this device still work offline.',
			makeRoom: null
		};
	}
	if (!(cause instanceof ApiError)) {
		return {
			message: `Could not take tasks: ${(cause as Error)?.message ?? cause}`,
			makeRoom: null
		};
	}
	if (cause.status === 409) {
		const message =
			held.length > 0
				? `This device already holds ${plural(held.length, 'task')}, as many as it may. Finish ` +
					'some, or hand back the ones you will not do, to take others.'
				: 'You already hold as many tasks as you may on your devices. Finish some, or hand ' +
					'some back, to take others.';
		return { message, makeRoom: makeRoomFor(held, filter, started) };
	}
	if (cause.status === 429) {
		return { message: 'The server is busy. Try again in a minute.', makeRoom: null };
	}
	if (cause.status >= 500) {
		return { message: 'The server had a problem. Try again later.', makeRoom: null };
	}
	if (cause.status === 403) {
		return { message: `The server refused: ${cause.message}.`, makeRoom: null };
	}
	return { message: `Could not take tasks: ${cause.message}`, makeRoom: null };
}

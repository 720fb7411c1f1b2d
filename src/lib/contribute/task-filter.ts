// Choosing among held tasks by language, topic tag and kind. Pure.
import type { TaskRequestType } from '$lib/protocol/tasks';
import type { HeldTask } from '$lib/db/records/leased-task';

export interface TaskFilter {
	lang: string;
	/** Empty: any topic. Otherwise tasks of trees carrying at least one of these. */
	tags: string[];
	type: TaskRequestType;
}

export function matchesFilter(task: HeldTask, filter: TaskFilter): boolean {
	if (task.lang !== filter.lang) return false;
	if (filter.type !== 'random' && task.type !== filter.type) return false;
	if (filter.tags.length === 0) return true;
	// A new prompt has no tree yet; it takes the tags it was leased with.
	return (task.tags ?? []).some((tag) => filter.tags.includes(tag));
}

/** Held tasks that match, the one whose lease ends first first. */
export function tasksMatching(tasks: readonly HeldTask[], filter: TaskFilter): HeldTask[] {
	return tasks.filter((t) => matchesFilter(t, filter)).sort((a, b) => a.expiresAt - b.expiresAt);
}

/** Every tag seen on held tasks, for suggestions (the server has no list of tags to offer). */
export function knownTags(tasks: readonly HeldTask[]): string[] {
	return [...new Set(tasks.flatMap((t) => t.tags ?? []))].sort();
}

/** "cooking, Rust ,  " → ["cooking", "rust"]: what the tag field's text means. */
export function parseTags(text: string): string[] {
	return [
		...new Set(
			text
				.split(/[,\s]+/)
				.map((t) => t.trim().toLowerCase())
				.filter(Boolean)
		)
	];
}

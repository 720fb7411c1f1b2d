// Daily streaks: a streak is a run of activity with no idle gap longer than the reset period
// (36 h by default, so a contributor may do today's task early and tomorrow's late). Computed
// from the activity times themselves, so work synced late and out of order counts where it
// belongs.
import type { TreeManagerConfig } from './config';

const DAY = 86_400_000;

export interface Streak {
	/** Days since the streak began, counting the first: 1 on its first day. */
	days: number;
	startedAt: number;
	lastActiveAt: number;
}

/** The current streak, or null when there is none (no activity, or idle past the reset). */
export function currentStreak(
	activityTimes: readonly number[],
	now: number,
	config: TreeManagerConfig
): Streak | null {
	const times = activityTimes.filter((t) => t <= now).sort((a, b) => a - b);
	if (times.length === 0) return null;
	const resetAfter = config.streak.resetAfterMs;
	const lastActiveAt = times[times.length - 1];
	if (now - lastActiveAt > resetAfter) return null;
	let startedAt = lastActiveAt;
	for (let i = times.length - 2; i >= 0 && startedAt - times[i] <= resetAfter; i--) {
		startedAt = times[i];
	}
	return { days: 1 + Math.floor((lastActiveAt - startedAt) / DAY), startedAt, lastActiveAt };
}

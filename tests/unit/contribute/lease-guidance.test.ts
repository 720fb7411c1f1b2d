import { describe, expect, it } from 'vitest';
import { leaseRefusal, makeRoomFor, takenNotice } from '$lib/contribute/lease-guidance';
import type { TaskFilter } from '$lib/contribute/task-filter';
import { ApiError, NetworkError } from '$lib/sync/api-client';
import { toHeldTask } from '$lib/sync/pull-merge';
import { labelTask, leased, promptTask, rankTask } from './fixtures';

const held = [
	toHeldTask(leased(promptTask('p1'))),
	toHeldTask(leased(promptTask('p2'))),
	toHeldTask(leased(promptTask('p3'))),
	toHeldTask(leased(rankTask('k1')))
];
const ranking: TaskFilter = { lang: 'en', tags: [], type: 'rank_assistant_replies' };
const any: TaskFilter = { lang: 'en', tags: [], type: 'random' };
const full = new ApiError(
	409,
	'conflict',
	'you already hold 4 open tasks on this device and 4 in all (at most 4 and 12); finish or hand back some first'
);
/** How SyncStatus.takeTasks hands the failure on. */
const wrapped = (cause: unknown) => new Error('wrapped', { cause });

describe('leaseRefusal', () => {
	it('turns a full device into plain words and a way out for the kind asked for', () => {
		const refusal = leaseRefusal(wrapped(full), held, ranking, new Set(['p2']));
		expect(refusal.message).toBe(
			'This device already holds 4 tasks, as many as it may. Finish some, or hand back the ones ' +
				'you will not do, to take others.'
		);
		expect(refusal.message).not.toContain('open tasks');
		// The started prompt (it has a draft) and the matching ranking task stay.
		expect(refusal.makeRoom).toEqual({
			taskIds: ['p1', 'p3'],
			label:
				'Hand back the 2 unstarted tasks of other kinds and take “Rank assistant replies” tasks'
		});
	});

	it('has no way out when every held task matches or was started', () => {
		expect(leaseRefusal(full, held, any, new Set()).makeRoom).toBeNull();
		expect(makeRoomFor(held, ranking, new Set(['p1', 'p2', 'p3']))).toBeNull();
		// Tasks in another language do not match a choice of any kind either.
		const german = [...held, toHeldTask(leased({ ...labelTask('l'), lang: 'de' }))];
		expect(makeRoomFor(german, any, new Set())).toEqual({
			taskIds: ['l'],
			label: 'Hand back the 1 unstarted task that doesn’t match and take new ones'
		});
	});

	it('says what to do about the other refusals', () => {
		const message = (error: unknown) => leaseRefusal(wrapped(error), [], any, new Set()).message;
		expect(message(full)).toMatch(/^You already hold as many tasks as you may on your devices/);
		expect(message(new NetworkError(new TypeError('Failed to fetch')))).toMatch(
			/^Tasks can only be taken online/
		);
		expect(message(new ApiError(429, 'rate_limited', 'slow down'))).toBe(
			'The server is busy. Try again in a minute.'
		);
		expect(message(new ApiError(503, 'unavailable', 'database down'))).toBe(
			'The server had a problem. Try again later.'
		);
		expect(message(new ApiError(403, 'forbidden', 'this account is banned'))).toBe(
			'The server refused: this account is banned.'
		);
	});

	it('counts what arrived', () => {
		expect(takenNotice(1)).toBe('Took 1 task: it stays on this device for offline work.');
		expect(takenNotice(0)).toMatch(/^No tasks match right now/);
	});
});

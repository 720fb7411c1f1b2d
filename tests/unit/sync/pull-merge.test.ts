import { describe, expect, it } from 'vitest';
import type { StoredContribution } from '$lib/db/records/contribution';
import type { OwnMessage } from '$lib/protocol/sync';
import { contributionChanges, mergeLeases } from '$lib/sync/pull-merge';
import { leased, promptTask, rankTask, replyTask } from '../contribute/fixtures';

function contribution(
	taskId: string,
	seq: number,
	kind: StoredContribution['kind']
): StoredContribution {
	return {
		taskId,
		seq,
		taskType: 'assistant_reply',
		kind,
		summary: '',
		treeId: 'tree-1',
		targetId: 'm-prompt',
		lang: 'en',
		createdAt: seq,
		state: 'applied',
		rejection: null,
		messageId: null,
		status: null,
		rank: null
	};
}

function message(id: string, changes: Partial<OwnMessage>): OwnMessage {
	return {
		id,
		treeId: 'tree-1',
		parentId: 'm-prompt',
		role: 'assistant',
		type: 'assistant_reply',
		text: 'x',
		lang: 'en',
		status: 'in_review',
		late: false,
		rank: null,
		treeState: 'growing',
		editable: true,
		createdAt: 1,
		taskId: null,
		clientId: null,
		seq: null,
		...changes
	};
}

describe('mergeLeases', () => {
	it('replaces the held list by the server’s open leases', () => {
		const { put, remove } = mergeLeases(
			[{ id: 'kept' }, { id: 'taken-back' }],
			[leased(replyTask('kept'), ['rust']), leased(promptTask('new'))],
			new Set()
		);
		expect(put.map((t) => [t.id, t.type, t.tags])).toEqual([
			['kept', 'assistant_reply', ['rust']],
			['new', 'initial_prompt', []]
		]);
		expect(remove).toEqual(['taken-back']);
	});

	it('does not bring back a task answered on the device whose result is still on its way', () => {
		const { put, remove } = mergeLeases(
			[{ id: 'open' }],
			[leased(replyTask('open')), leased(rankTask('answered'))],
			new Set(['answered'])
		);
		expect(put.map((t) => t.id)).toEqual(['open']);
		expect(remove).toEqual([]);
	});

	it('copies the lease times and the task as received', () => {
		const lease = leased(rankTask('k'), [], 7_000);
		const [held] = mergeLeases([], [lease], new Set()).put;
		expect(held).toEqual({
			id: 'k',
			type: 'rank_assistant_replies',
			lang: 'en',
			leasedAt: 7_000,
			expiresAt: lease.expiresAt,
			tags: [],
			task: lease.task
		});
	});
});

describe('contributionChanges', () => {
	const local = [
		contribution('t1', 1, 'message'),
		contribution('t2', 2, 'message'),
		contribution('t3', 3, 'review')
	];

	it('matches messages by task id first, then by this client’s seq', () => {
		const changes = contributionChanges(
			local,
			[
				message('m1', { taskId: 't1', status: 'accepted', rank: 1, clientId: 'other', seq: 2 }),
				message('m2', { clientId: 'me', seq: 2, status: 'rejected' })
			],
			'me'
		);
		expect(changes).toEqual([
			{ taskId: 't1', changes: { state: 'applied', messageId: 'm1', status: 'accepted', rank: 1 } },
			{
				taskId: 't2',
				changes: { state: 'applied', messageId: 'm2', status: 'rejected', rank: null }
			}
		]);
	});

	it('ignores messages of other clients and contributions that are not messages', () => {
		expect(
			contributionChanges(
				local,
				[message('x', { clientId: 'other', seq: 1 }), message('y', { clientId: 'me', seq: 3 })],
				'me'
			)
		).toEqual([]);
	});
});

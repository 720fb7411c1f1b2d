import { describe, expect, it } from 'vitest';
import { contributionRows, ordinal } from '$lib/contribute/contribution-rows';
import type { StoredContribution } from '$lib/db/records/contribution';
import type { Contribution } from '$lib/protocol/points';

function local(
	taskId: string,
	createdAt: number,
	changes: Partial<StoredContribution>
): StoredContribution {
	return {
		taskId,
		seq: createdAt,
		taskType: 'assistant_reply',
		kind: 'message',
		summary: `text of ${taskId}`,
		treeId: 'tree',
		targetId: 'parent',
		lang: 'en',
		createdAt,
		state: 'pending',
		rejection: null,
		messageId: null,
		status: null,
		rank: null,
		...changes
	};
}

const server: Contribution[] = [
	{
		kind: 'message',
		at: 50,
		messageId: 'm1',
		treeId: 'tree',
		type: 'assistant_reply',
		text: 'my reply',
		status: 'accepted',
		late: false,
		rankPlace: 2,
		treeState: 'ready_for_export',
		points: 11
	},
	{
		kind: 'review',
		at: 40,
		messageId: 'm9',
		treeId: 'tree',
		messagePreview: 'someone’s prompt',
		form: 'full',
		labels: { spam: 0 },
		late: false,
		points: 2
	},
	{
		kind: 'ranking',
		at: 30,
		parentId: 'p1',
		treeId: 'tree',
		type: 'rank_assistant_replies',
		parentPreview: 'a question',
		ranking: ['a', 'b'],
		late: false,
		tau: 1,
		points: 1
	}
];

describe('contributionRows', () => {
	it('shows the server’s items with status and points, plus what waits or was refused here', () => {
		const rows = contributionRows(server, [
			local('t-pending', 90, {}),
			local('t-refused', 80, {
				state: 'rejected',
				rejection: { code: 'duplicate_text', message: 'you sent this text already' }
			}),
			local('t-applied', 50, { state: 'applied', messageId: 'm1' })
		]);
		expect(rows.map((r) => [r.what, r.status, r.tone, r.points, r.reason])).toEqual([
			['Assistant reply', 'Waiting to sync', 'pending', null, null],
			['Assistant reply', 'Refused by the server', 'bad', null, 'you sent this text already'],
			['Assistant reply', 'Ranked 2nd', 'good', 11, null],
			['Labelled a message (full form)', 'Counted', 'good', 2, null],
			['Ranked assistant replies', 'Agreement with consensus τ = 1.00', 'good', 1, null]
		]);
	});

	it('offline, shows everything the device knows with the statuses of the last pull', () => {
		const rows = contributionRows(null, [
			local('a', 3, { state: 'applied', messageId: 'm1', status: 'accepted', rank: 0 }),
			local('b', 2, { state: 'applied', kind: 'skip', taskType: 'rank_assistant_replies' }),
			local('c', 1, { state: 'applied', kind: 'review', taskType: 'label_initial_prompt' })
		]);
		expect(rows.map((r) => [r.what, r.status])).toEqual([
			['Assistant reply', 'Ranked 1st'],
			['Skipped: Ranked assistant replies', 'Skipped'],
			['Labelled a prompt', 'Synced']
		]);
	});

	it('names places in English', () => {
		expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual([
			'1st',
			'2nd',
			'3rd',
			'4th',
			'11th',
			'12th',
			'13th',
			'21st',
			'22nd',
			'101st'
		]);
	});
});

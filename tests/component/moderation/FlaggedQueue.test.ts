// A flagged reply that called tools shows its calls and their results to the moderator: what was
// flagged may be in a result (a search quoting someone's notes), not in the reply's text.
import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import FlaggedQueue from '$lib/components/moderation/FlaggedQueue.svelte';
import type { FlaggedMessage } from '$lib/protocol/moderation';

const flagged: FlaggedMessage = {
	messageId: 'm1',
	treeId: 't1',
	treeState: 'growing',
	role: 'assistant',
	text: 'Sam fixes sinks [1].',
	authorId: 'u1',
	authorName: 'Writer',
	status: 'in_review',
	createdAt: 1,
	redFlags: 1,
	flagReasons: ['a phone number in the search result'],
	reviewFlags: {},
	toolSteps: [
		{
			text: '',
			calls: [
				{ name: 'search_documents', arguments: { query: 'sink' }, result: 'Sam: +44 20 7946 0958' }
			]
		}
	]
};

describe('FlaggedQueue', () => {
	it('shows a flagged reply’s tool calls with their results', async () => {
		const none = async () => {};
		render(FlaggedQueue, {
			messages: [flagged, { ...flagged, messageId: 'm2', toolSteps: undefined, text: 'Plain.' }],
			onSetDeleted: none,
			onSetHalted: none,
			onBan: none
		});
		const steps = screen.getAllByRole('list', { name: 'Tools used' });
		expect(steps).toHaveLength(1);
		await userEvent.click(within(steps[0]).getByText('search_documents'));
		expect(within(steps[0]).getByTestId('tool-result')).toHaveTextContent('Sam: +44 20 7946 0958');
	});
});

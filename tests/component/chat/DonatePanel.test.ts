// The "Share to improve Hearth" preview of a reply that used tools: each call goes with it, shown
// under it with what it returned, and personal data in a result (a search of the person's own
// notes quotes them) holds sharing back until the person confirms it is not personal.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DonatePanel from '$lib/components/chat/DonatePanel.svelte';
import type { StoredMessage } from '$lib/db/records/message';
import type { ToolStep } from '$lib/protocol/tools';

function conversation(result: string): StoredMessage[] {
	const base = { conversationId: 'c1', stats: null, modelVersion: 3, feedback: null };
	const steps: ToolStep[] = [
		{
			text: '',
			calls: [
				{ name: 'search_documents', arguments: { query: 'plumber' }, result, status: 'ok', ms: 4 }
			]
		}
	];
	return [
		{
			...base,
			id: 'u1',
			parentId: null,
			role: 'user',
			content: 'Who fixes the sink?',
			createdAt: 1,
			model: null,
			modelVersion: null
		},
		{
			...base,
			id: 'a1',
			parentId: 'u1',
			role: 'assistant',
			content: 'Your notes name Sam the plumber [1].',
			createdAt: 2,
			model: 'hearth-demo',
			finishReason: 'stop',
			steps
		}
	];
}

function renderPanel(result: string, messages = conversation(result)) {
	const onShare = vi.fn(async () => {});
	render(DonatePanel, {
		messages,
		leafId: 'a1',
		donation: undefined,
		onShare,
		onWithdraw: async () => {},
		onClose: () => {}
	});
	return { onShare };
}

describe('DonatePanel with a reply that used tools', () => {
	it('shows each call under its reply and sends it with the reply', async () => {
		const { onShare } = renderPanel('[1] Notes — Sam the plumber comes on Tuesdays.');
		const call = screen.getByTestId('donate-tool-call');
		expect(call).toHaveTextContent('search_documents {"query":"plumber"}');
		expect(call).toHaveTextContent('Sam the plumber comes on Tuesdays.');
		await userEvent.click(screen.getByTestId('donate-consent'));
		await userEvent.click(screen.getByTestId('donate-share'));
		const [sent] = onShare.mock.calls[0] as unknown as [{ messages: { toolSteps?: unknown }[] }];
		expect(sent.messages[1].toolSteps).toEqual([
			{
				text: '',
				calls: [
					{
						name: 'search_documents',
						arguments: { query: 'plumber' },
						result: '[1] Notes — Sam the plumber comes on Tuesdays.'
					}
				]
			}
		]);
	});

	it('says why a reply stays on the device when its tool use cannot be shared', () => {
		const [question, reply] = conversation('[1] Notes — the sink.');
		const looping = { ...reply, steps: [{ ...reply.steps![0], notRun: 3 }] };
		renderPanel('', [question, looping]);
		expect(screen.getAllByTestId('donate-message')).toHaveLength(1);
		expect(screen.getByTestId('donate-cut')).toHaveTextContent(
			'A reply and everything after it stay on this device: it wrote more tool calls in a round than were run.'
		);
	});

	it('says nothing of a cut when the whole thread goes', () => {
		renderPanel('[1] Notes — the sink.');
		expect(screen.queryByTestId('donate-cut')).toBeNull();
	});

	it('marks personal data in a result and holds sharing until the person confirms it', async () => {
		renderPanel('[1] Notes — Sam the plumber: sam.pipes@example.org');
		const call = screen.getByTestId('donate-tool-call');
		expect(within(call).getByTestId('pii-warning')).toHaveTextContent('e-mail address');
		await userEvent.click(screen.getByTestId('donate-consent'));
		expect(screen.getByTestId('donate-share')).toBeDisabled();
		expect(screen.getByTestId('donate-problem')).toHaveTextContent(
			'confirm that it is not personal'
		);
		await userEvent.click(screen.getByTestId('donate-pii-confirm'));
		expect(screen.getByTestId('donate-share')).toBeEnabled();
	});
});

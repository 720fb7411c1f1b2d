import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComponentProps } from 'svelte';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ConversationList from '$lib/components/chat/ConversationList.svelte';
import type { StoredConversation } from '$lib/db/records/conversation';

const conversation = (id: string, title: string): StoredConversation => ({
	id,
	title,
	createdAt: 1_000,
	updatedAt: 2_000,
	currentLeafId: null
});

const tides = conversation('c-1', 'Tides');
const bread = conversation('c-2', 'Baking bread');

function props(overrides: Partial<ComponentProps<typeof ConversationList>> = {}) {
	return {
		conversations: [tides, bread],
		activeId: 'c-1',
		streaming: new Set<string>(),
		query: '',
		onQuery: vi.fn(),
		onOpen: vi.fn(),
		onNew: vi.fn(),
		onRename: vi.fn(),
		onDelete: vi.fn(),
		...overrides
	};
}

const nav = () => screen.getByRole('navigation', { name: 'Conversations' });

afterEach(() => {
	vi.restoreAllMocks();
});

describe('ConversationList', () => {
	it('lists the conversations, marks the open one and the one being replied to', () => {
		render(ConversationList, props({ streaming: new Set(['c-2']) }));

		const items = within(nav()).getAllByTestId('conversation-item');
		expect(items.map((li) => within(li).getAllByRole('button')[0].textContent?.trim())).toEqual([
			'Tides',
			'Baking bread ●'
		]);
		expect(within(items[0]).getByRole('button', { name: 'Tides' })).toHaveAttribute(
			'aria-current',
			'page'
		);
		expect(within(items[1]).getAllByRole('button')[0]).not.toHaveAttribute('aria-current');
		expect(within(items[1]).getByLabelText('replying')).toBeInTheDocument();
		expect(within(items[0]).queryByLabelText('replying')).not.toBeInTheDocument();
	});

	it('opens a conversation, starts a new one, and reports the search as it is typed', async () => {
		const user = userEvent.setup();
		const p = props();
		render(ConversationList, p);

		await user.click(screen.getByRole('button', { name: 'Baking bread' }));
		await user.click(screen.getByRole('button', { name: 'New conversation' }));
		await user.type(screen.getByRole('searchbox', { name: 'Search conversations' }), 'ti');

		expect(p.onOpen).toHaveBeenCalledExactlyOnceWith('c-2');
		expect(p.onNew).toHaveBeenCalledTimes(1);
		expect(p.onQuery).toHaveBeenNthCalledWith(1, 't');
		expect(p.onQuery).toHaveBeenNthCalledWith(2, 'ti');
	});

	it('empty: says there are none yet, or that nothing matches the search', async () => {
		const { rerender } = render(ConversationList, props({ conversations: [] }));
		expect(screen.getByText('No conversations yet.')).toBeInTheDocument();
		expect(screen.queryAllByTestId('conversation-item')).toHaveLength(0);

		await rerender(props({ conversations: [], query: 'volcano' }));
		expect(screen.getByText('Nothing matches.')).toBeInTheDocument();
		expect(screen.getByRole('searchbox')).toHaveValue('volcano');
	});

	it('renames with the keyboard: Enter saves the new title', async () => {
		const user = userEvent.setup();
		const p = props();
		render(ConversationList, p);

		await user.click(screen.getByRole('button', { name: 'Rename Tides' }));
		const title = screen.getByRole('textbox', { name: 'Conversation title' });
		expect(title).toHaveValue('Tides');
		expect(title).toHaveFocus();

		await user.clear(title);
		await user.keyboard('Tides and the Moon{Enter}');
		expect(p.onRename).toHaveBeenCalledExactlyOnceWith('c-1', 'Tides and the Moon');
		expect(screen.queryByRole('textbox', { name: 'Conversation title' })).not.toBeInTheDocument();
	});

	it('Escape, leaving the field, or an empty title renames nothing', async () => {
		const user = userEvent.setup();
		const p = props();
		render(ConversationList, p);

		await user.click(screen.getByRole('button', { name: 'Rename Tides' }));
		await user.keyboard('{Escape}');
		expect(screen.queryByRole('textbox', { name: 'Conversation title' })).not.toBeInTheDocument();

		await user.click(screen.getByRole('button', { name: 'Rename Tides' }));
		await user.type(screen.getByRole('textbox', { name: 'Conversation title' }), ' changed');
		await user.click(screen.getByRole('searchbox'));
		expect(screen.queryByRole('textbox', { name: 'Conversation title' })).not.toBeInTheDocument();

		await user.click(screen.getByRole('button', { name: 'Rename Baking bread' }));
		await user.clear(screen.getByRole('textbox', { name: 'Conversation title' }));
		await user.keyboard('   {Enter}');
		expect(screen.queryByRole('textbox', { name: 'Conversation title' })).not.toBeInTheDocument();

		expect(p.onRename).not.toHaveBeenCalled();
		expect(screen.getByRole('button', { name: 'Tides' })).toBeInTheDocument();
	});

	it('deletes only after the user confirms', async () => {
		const user = userEvent.setup();
		const confirm = vi
			.spyOn(window, 'confirm')
			.mockReturnValueOnce(false)
			.mockReturnValueOnce(true);
		const p = props();
		render(ConversationList, p);

		await user.click(screen.getByRole('button', { name: 'Delete Baking bread' }));
		expect(confirm).toHaveBeenLastCalledWith(
			'Delete “Baking bread” and all its messages? This cannot be undone.'
		);
		expect(p.onDelete).not.toHaveBeenCalled();

		await user.click(screen.getByRole('button', { name: 'Delete Baking bread' }));
		expect(p.onDelete).toHaveBeenCalledExactlyOnceWith('c-2');
	});

	it('a very long title is kept whole', () => {
		const long = 'How do tides work '.repeat(30).trim();
		render(ConversationList, props({ conversations: [conversation('c-9', long)] }));
		expect(screen.getByRole('button', { name: long })).toBeInTheDocument();
		expect(screen.getByRole('button', { name: `Rename ${long}` })).toBeInTheDocument();
	});
});

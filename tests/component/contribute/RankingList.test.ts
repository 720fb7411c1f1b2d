import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import RankingList from '$lib/components/contribute/RankingList.svelte';
import type { ConversationMessage } from '$lib/protocol/tasks';

const replies: ConversationMessage[] = [
	{ id: 'r-a', role: 'assistant', text: 'Gravity.', lang: 'en' },
	{ id: 'r-b', role: 'assistant', text: 'The Moon and the **Sun** pull the water.', lang: 'en' },
	{ id: 'r-c', role: 'assistant', text: 'Wind.', lang: 'en' }
];

/**
 * Renders the list the way the task workspace uses it: the parent keeps the order and passes
 * every reordering back in. `orders` records each order the list asked for.
 */
function renderRanking(options: { order?: string[]; disabled?: boolean } = {}) {
	const orders: string[][] = [];
	let order = options.order ?? ['r-a', 'r-b', 'r-c'];
	const onReorder = vi.fn((next: string[]) => {
		orders.push(next);
		order = next;
		void result.rerender({ order });
	});
	const result = render(RankingList, {
		replies,
		order,
		disabled: options.disabled ?? false,
		onReorder
	});
	return { ...result, orders, onReorder };
}

const shownOrder = () =>
	screen.getAllByTestId('ranked-reply').map((li) => li.getAttribute('data-reply-id'));
const handle = (place: number) => screen.getAllByTestId('drag-handle')[place - 1];
const announcement = () => screen.getByText(/^Reply moved to place/);

describe('RankingList', () => {
	it('shows the replies in the given order, each with its place and how to move it', async () => {
		renderRanking({ order: ['r-c', 'r-a', 'r-b'] });

		expect(shownOrder()).toEqual(['r-c', 'r-a', 'r-b']);
		const list = screen.getByRole('list');
		expect(list).toHaveAccessibleDescription(/Best first\. Drag a card by its handle/);
		expect(
			screen
				.getAllByRole('button', { name: /^Reply at place/ })
				.map((b) => b.getAttribute('aria-label'))
		).toEqual([
			'Reply at place 1 of 3: drag, or use the arrow keys to move it',
			'Reply at place 2 of 3: drag, or use the arrow keys to move it',
			'Reply at place 3 of 3: drag, or use the arrow keys to move it'
		]);
		const items = within(list).getAllByRole('listitem');
		expect(items[0]).toHaveTextContent('Wind.');
		// Replies are Markdown.
		expect(await within(items[2]).findByText('Sun', { selector: 'strong' })).toBeInTheDocument();
	});

	it('the first cannot move up, the last cannot move down', () => {
		renderRanking();
		const [first, , last] = screen.getAllByTestId('ranked-reply');
		expect(within(first).getByRole('button', { name: 'Move up' })).toBeDisabled();
		expect(within(first).getByRole('button', { name: 'Move down' })).toBeEnabled();
		expect(within(last).getByRole('button', { name: 'Move up' })).toBeEnabled();
		expect(within(last).getByRole('button', { name: 'Move down' })).toBeDisabled();
	});

	it('reorders with the arrow keys on a handle; the keyboard stays on the moved reply', async () => {
		const user = userEvent.setup();
		const { orders } = renderRanking();

		handle(1).focus();
		await user.keyboard('{ArrowDown}');
		expect(orders).toEqual([['r-b', 'r-a', 'r-c']]);
		expect(shownOrder()).toEqual(['r-b', 'r-a', 'r-c']);
		expect(announcement()).toHaveTextContent('Reply moved to place 2 of 3.');
		expect(handle(2)).toHaveFocus();
		expect(handle(2).closest('li')).toHaveAttribute('data-reply-id', 'r-a');

		await user.keyboard('{ArrowDown}');
		expect(shownOrder()).toEqual(['r-b', 'r-c', 'r-a']);
		expect(handle(3)).toHaveFocus();
		expect(announcement()).toHaveTextContent('Reply moved to place 3 of 3.');

		await user.keyboard('{ArrowUp}');
		expect(shownOrder()).toEqual(['r-b', 'r-a', 'r-c']);
		expect(handle(2)).toHaveFocus();
		expect(orders).toHaveLength(3);
	});

	it('Home and End move a reply to the top and the bottom', async () => {
		const user = userEvent.setup();
		const { orders } = renderRanking();

		handle(3).focus();
		await user.keyboard('{Home}');
		expect(shownOrder()).toEqual(['r-c', 'r-a', 'r-b']);
		expect(handle(1)).toHaveFocus();
		expect(announcement()).toHaveTextContent('Reply moved to place 1 of 3.');

		await user.keyboard('{End}');
		expect(shownOrder()).toEqual(['r-a', 'r-b', 'r-c']);
		expect(handle(3)).toHaveFocus();
		expect(orders).toEqual([
			['r-c', 'r-a', 'r-b'],
			['r-a', 'r-b', 'r-c']
		]);
	});

	it('a move past either end, or any other key, changes nothing', async () => {
		const user = userEvent.setup();
		const { onReorder } = renderRanking();

		handle(1).focus();
		await user.keyboard('{ArrowUp}{Home}');
		handle(3).focus();
		await user.keyboard('{ArrowDown}{End}{ArrowLeft}x');
		expect(onReorder).not.toHaveBeenCalled();
		expect(shownOrder()).toEqual(['r-a', 'r-b', 'r-c']);
		expect(screen.queryByText(/^Reply moved/)).not.toBeInTheDocument();
	});

	it('the ▲ ▼ buttons move a reply one place', async () => {
		const user = userEvent.setup();
		const { orders } = renderRanking();

		const second = screen.getAllByTestId('ranked-reply')[1];
		await user.click(within(second).getByRole('button', { name: 'Move up' }));
		expect(shownOrder()).toEqual(['r-b', 'r-a', 'r-c']);
		expect(announcement()).toHaveTextContent('Reply moved to place 1 of 3.');

		const last = screen.getAllByTestId('ranked-reply')[2];
		await user.click(within(last).getByRole('button', { name: 'Move up' }));
		expect(orders).toEqual([
			['r-b', 'r-a', 'r-c'],
			['r-b', 'r-c', 'r-a']
		]);
	});

	it('disabled ("none can be ranked"): every handle and button is off, keys do nothing', async () => {
		const user = userEvent.setup();
		const { onReorder } = renderRanking({ disabled: true });

		for (const button of screen.getAllByRole('button')) expect(button).toBeDisabled();
		await user.tab();
		expect(document.body).toHaveFocus();
		// Even a key event that reaches a handle is ignored.
		await fireEvent.keyDown(handle(1), { key: 'ArrowDown' });
		await user.click(
			within(screen.getAllByTestId('ranked-reply')[0]).getByRole('button', { name: 'Move down' })
		);
		expect(onReorder).not.toHaveBeenCalled();
	});

	describe('dragging by the handle', () => {
		/** jsdom lays nothing out: give each card a 100 px tall box, one under the other. */
		function layOut() {
			screen.getAllByTestId('ranked-reply').forEach((li, i) => {
				li.getBoundingClientRect = () => new DOMRect(0, i * 100, 400, 100);
			});
		}

		it('drops a card where the pointer lets go, marking the target on the way', async () => {
			const { orders } = renderRanking();
			layOut();

			await fireEvent.pointerDown(handle(1), { isPrimary: true, button: 0 });
			const [a, b, c] = screen.getAllByTestId('ranked-reply');
			expect(a).toHaveClass('dragging');

			// Below the second card's centre, above the third's: the drop goes to place 2.
			await fireEvent.pointerMove(window, { clientY: 160 });
			expect(b).toHaveClass('drop-target');
			expect(c).not.toHaveClass('drop-target');

			// Below the last card's centre: place 3.
			await fireEvent.pointerMove(window, { clientY: 290 });
			expect(c).toHaveClass('drop-target');
			expect(b).not.toHaveClass('drop-target');

			await fireEvent.pointerUp(window);
			expect(orders).toEqual([['r-b', 'r-c', 'r-a']]);
			expect(shownOrder()).toEqual(['r-b', 'r-c', 'r-a']);
			expect(announcement()).toHaveTextContent('Reply moved to place 3 of 3.');
			for (const li of screen.getAllByTestId('ranked-reply')) {
				expect(li).not.toHaveClass('dragging');
				expect(li).not.toHaveClass('drop-target');
			}

			// The window listeners are gone with the drag.
			await fireEvent.pointerMove(window, { clientY: 0 });
			await fireEvent.pointerUp(window);
			expect(orders).toHaveLength(1);
		});

		it('a drop where it started, or a cancelled drag, keeps the order', async () => {
			const { onReorder } = renderRanking();
			layOut();

			await fireEvent.pointerDown(handle(2), { isPrimary: true, button: 0 });
			await fireEvent.pointerMove(window, { clientY: 140 });
			await fireEvent.pointerUp(window);

			await fireEvent.pointerDown(handle(2), { isPrimary: true, button: 0 });
			await fireEvent.pointerMove(window, { clientY: 10 });
			expect(screen.getAllByTestId('ranked-reply')[0]).toHaveClass('drop-target');
			await fireEvent.pointerCancel(window);
			await fireEvent.pointerUp(window);

			expect(onReorder).not.toHaveBeenCalled();
			expect(screen.getAllByTestId('ranked-reply')[1]).not.toHaveClass('dragging');
		});

		it('ignores a secondary button', async () => {
			const { onReorder } = renderRanking();
			layOut();
			await fireEvent.pointerDown(handle(1), { isPrimary: true, button: 2 });
			expect(screen.getAllByTestId('ranked-reply')[0]).not.toHaveClass('dragging');
			await fireEvent.pointerMove(window, { clientY: 290 });
			await fireEvent.pointerUp(window);
			expect(onReorder).not.toHaveBeenCalled();
		});

		it('does not drag while disabled', async () => {
			const { onReorder } = renderRanking({ disabled: true });
			layOut();
			await fireEvent.pointerDown(handle(1), { isPrimary: true, button: 0 });
			expect(screen.getAllByTestId('ranked-reply')[0]).not.toHaveClass('dragging');
			await fireEvent.pointerMove(window, { clientY: 290 });
			await fireEvent.pointerUp(window);
			expect(onReorder).not.toHaveBeenCalled();
		});
	});

	it('keeps a long reply whole', () => {
		const long = 'A long answer. '.repeat(500).trim();
		render(RankingList, {
			replies: [...replies.slice(0, 2), { id: 'r-c', role: 'assistant', text: long, lang: 'en' }],
			order: ['r-c', 'r-a', 'r-b'],
			disabled: false,
			onReorder: () => {}
		});
		expect(screen.getAllByTestId('ranked-reply')[0]).toHaveTextContent(long);
	});
});

import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import UpdatePrompt from '$lib/components/UpdatePrompt.svelte';

describe('UpdatePrompt', () => {
	it('announces the new version and applies it on a click', async () => {
		const user = userEvent.setup();
		const onApply = vi.fn();
		render(UpdatePrompt, { applying: false, onApply });

		expect(screen.getByRole('status')).toHaveTextContent(
			'A new version of Hearth is ready. Your saved drafts are kept.'
		);
		const button = screen.getByRole('button', { name: 'Update available — reload' });
		expect(button).toBeEnabled();
		await user.click(button);
		expect(onApply).toHaveBeenCalledTimes(1);
	});

	it('is reachable with Tab and applies with Enter or Space', async () => {
		const user = userEvent.setup();
		const onApply = vi.fn();
		render(UpdatePrompt, { applying: false, onApply });

		await user.tab();
		expect(screen.getByRole('button', { name: 'Update available — reload' })).toHaveFocus();
		await user.keyboard('{Enter}');
		expect(onApply).toHaveBeenCalledTimes(1);
		await user.keyboard(' ');
		expect(onApply).toHaveBeenCalledTimes(2);
	});

	it('while the new version takes over: says so and takes no second click', async () => {
		const user = userEvent.setup();
		const onApply = vi.fn();
		const { rerender } = render(UpdatePrompt, { applying: false, onApply });

		await rerender({ applying: true, onApply });
		const button = screen.getByRole('button', { name: 'Reloading…' });
		expect(button).toBeDisabled();
		expect(screen.queryByRole('button', { name: /Update available/ })).not.toBeInTheDocument();
		await user.click(button);
		expect(onApply).not.toHaveBeenCalled();
		// The message itself stays while the page reloads.
		expect(screen.getByRole('status')).toHaveTextContent('A new version of Hearth is ready.');
	});
});

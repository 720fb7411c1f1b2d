import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ReasonAction from '$lib/components/moderation/ReasonAction.svelte';

describe('ReasonAction', () => {
	it('asks why first, and will not act without a reason', async () => {
		const user = userEvent.setup();
		const onConfirm = vi.fn(async () => {});
		render(ReasonAction, { label: 'Delete message', onConfirm });

		await user.click(screen.getByRole('button', { name: 'Delete message…' }));
		const reason = screen.getByRole('textbox', { name: 'Why?' });
		expect(reason).toBeRequired();
		const act = screen.getByRole('button', { name: 'Delete message' });
		expect(act).toBeDisabled();
		await user.type(reason, '   ');
		expect(act).toBeDisabled();
		expect(onConfirm).not.toHaveBeenCalled();
	});

	it('Enter in the reason acts with the trimmed reason, then closes', async () => {
		const user = userEvent.setup();
		const onConfirm = vi.fn(async () => {});
		render(ReasonAction, { label: 'Ban user', onConfirm, danger: true });

		await user.click(screen.getByRole('button', { name: 'Ban user…' }));
		await user.type(screen.getByRole('textbox', { name: 'Why?' }), '  spam in 12 trees {Enter}');

		expect(onConfirm).toHaveBeenCalledExactlyOnceWith('spam in 12 trees');
		expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Ban user…' })).toHaveClass('danger');
	});

	it('while the action runs the button is off; a refusal is shown and the form stays', async () => {
		const user = userEvent.setup();
		let refuse: (error: Error) => void = () => {};
		const onConfirm = vi.fn(() => new Promise<void>((_, reject) => (refuse = reject)));
		render(ReasonAction, { label: 'Delete message', onConfirm });

		await user.click(screen.getByRole('button', { name: 'Delete message…' }));
		await user.type(screen.getByRole('textbox', { name: 'Why?' }), 'abuse');
		await user.click(screen.getByRole('button', { name: 'Delete message' }));
		expect(screen.getByRole('button', { name: 'Delete message' })).toBeDisabled();

		refuse(new Error('Only moderators can do that.'));
		expect(await screen.findByRole('alert')).toHaveTextContent('Only moderators can do that.');
		expect(screen.getByRole('textbox', { name: 'Why?' })).toHaveValue('abuse');
		expect(screen.getByRole('button', { name: 'Delete message' })).toBeEnabled();
	});

	it('Cancel closes without acting', async () => {
		const user = userEvent.setup();
		const onConfirm = vi.fn(async () => {});
		render(ReasonAction, { label: 'Hide tree', onConfirm });

		await user.click(screen.getByRole('button', { name: 'Hide tree…' }));
		await user.type(screen.getByRole('textbox', { name: 'Why?' }), 'duplicate');
		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect(onConfirm).not.toHaveBeenCalled();
		expect(screen.getByRole('button', { name: 'Hide tree…' })).toBeInTheDocument();
	});
});

import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import MarkdownEditor from '$lib/components/contribute/MarkdownEditor.svelte';
import { lengthHint } from '$lib/contribute/length-hint';
import type { TextTaskType } from '$lib/protocol/tasks';

/** The editor as the task workspace holds it: the text comes back in through the props. */
function renderEditor(type: TextTaskType = 'assistant_reply', text = '') {
	const onInput = vi.fn((next: string) => void result.rerender({ text: next }));
	const result = render(MarkdownEditor, { type, text, label: 'Your reply', onInput });
	return { ...result, onInput };
}

const hint = () => screen.getByText(/Markdown works/);

describe('MarkdownEditor', () => {
	it('writes: every keystroke reported, the length hint following', async () => {
		const user = userEvent.setup();
		const { onInput } = renderEditor();
		const box = screen.getByRole('textbox', { name: 'Your reply' });

		expect(hint()).toHaveTextContent(`${lengthHint('assistant_reply', '').message}.`);
		expect(box).toHaveAccessibleDescription(/nothing written yet/);

		await user.type(box, 'Gravity.');
		expect(onInput).toHaveBeenCalledTimes('Gravity.'.length);
		expect(onInput).toHaveBeenLastCalledWith('Gravity.');
		expect(hint()).toHaveTextContent(lengthHint('assistant_reply', 'Gravity.').message);
		expect(hint()).toHaveClass('short');
	});

	it('warns when the text is over the limit', () => {
		renderEditor('initial_prompt', 'x'.repeat(2_050));
		expect(hint()).toHaveTextContent('50 over the limit: shorten it before submitting');
		expect(hint()).toHaveClass('over');
	});

	it('previews the Markdown, and says so when there is nothing to preview', async () => {
		const user = userEvent.setup();
		const { rerender } = renderEditor('assistant_reply', '   ');
		const write = screen.getByRole('tab', { name: 'Write' });
		const preview = screen.getByRole('tab', { name: 'Preview' });
		expect(write).toHaveAttribute('aria-selected', 'true');
		expect(preview).toHaveAttribute('aria-selected', 'false');

		await user.click(preview);
		expect(preview).toHaveAttribute('aria-selected', 'true');
		expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
		expect(screen.getByRole('tabpanel')).toHaveTextContent('Nothing to preview yet.');

		await rerender({ text: 'Use **bold** and `code`.' });
		const panel = screen.getByRole('tabpanel');
		expect(await within(panel).findByText('bold', { selector: 'strong' })).toBeInTheDocument();
		expect(within(panel).getByText('code', { selector: 'code' })).toBeInTheDocument();
		expect(panel).toHaveAttribute('aria-labelledby', preview.id);

		await user.click(write);
		expect(screen.getByRole('textbox', { name: 'Your reply' })).toHaveValue(
			'Use **bold** and `code`.'
		);
	});

	it('the tabs work from the keyboard', async () => {
		const user = userEvent.setup();
		renderEditor('assistant_reply', 'Some *text*');

		await user.tab();
		expect(screen.getByRole('tab', { name: 'Write' })).toHaveFocus();
		await user.tab();
		await user.keyboard('{Enter}');
		expect(screen.getByRole('tab', { name: 'Preview' })).toHaveAttribute('aria-selected', 'true');
		expect(await screen.findByText('text', { selector: 'em' })).toBeInTheDocument();
	});
});

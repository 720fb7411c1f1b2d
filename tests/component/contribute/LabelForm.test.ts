import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import LabelForm from '$lib/components/contribute/LabelForm.svelte';
import type { LabelValues } from '$lib/protocol/labels';
import { labelTaskLabels, type LabelTask, type LabelTaskType } from '$lib/protocol/tasks';

function labelTask(
	type: LabelTaskType = 'label_assistant_reply',
	form: 'full' | 'simple' = 'full'
): LabelTask {
	return {
		id: 't-label',
		type,
		lang: 'en',
		treeId: 'tree-1',
		messageId: 'm-answer',
		conversation: [
			{ id: 'm-prompt', role: 'prompter', text: 'How do tides work?', lang: 'en' },
			{ id: 'm-answer', role: 'assistant', text: 'The Moon pulls the oceans.', lang: 'en' }
		],
		form,
		...labelTaskLabels(type, form)
	};
}

/** The form as the task workspace holds it: the parent keeps the values and passes them back. */
function renderForm(options: { task?: LabelTask; values?: LabelValues; disabled?: boolean } = {}) {
	const changes: LabelValues[] = [];
	const onChange = vi.fn((values: LabelValues) => {
		changes.push(values);
		void result.rerender({ values });
	});
	const result = render(LabelForm, {
		task: options.task ?? labelTask(),
		values: options.values ?? {},
		disabled: options.disabled ?? false,
		onChange
	});
	return { ...result, changes, onChange };
}

const group = (name: string | RegExp) => screen.getByRole('group', { name });
const legends = () =>
	screen.getAllByRole('group').map((g) => g.querySelector('legend')?.textContent?.trim());

describe('LabelForm', () => {
	it('full form for a reply: yes/no questions, then flags, then every scale', () => {
		renderForm();

		expect(screen.getByTestId('label-form')).toHaveAttribute('data-form', 'full');
		expect(
			screen.getByText('Full form: answer what you can; only the starred question is required.')
		).toBeInTheDocument();
		expect(legends()).toEqual([
			'Seems to be intentionally low-quality or irrelevant*',
			'Fails to follow the correct instruction / task',
			'Flags: tick whatever applies',
			'Quality',
			'Toxicity',
			'Humor',
			'Helpfulness',
			'Creativity',
			'Violence'
		]);
		// Only spam is required, and says so to a screen reader too.
		expect(within(group(/intentionally low-quality/)).getByLabelText('required')).toHaveTextContent(
			'*'
		);
		expect(within(group(/Fails to follow/)).queryByLabelText('required')).not.toBeInTheDocument();
		expect(within(group('Flags: tick whatever applies')).getAllByRole('checkbox')).toHaveLength(7);
		// Nothing answered yet: no scale has a Clear button.
		expect(screen.queryByRole('button', { name: 'Clear' })).not.toBeInTheDocument();
		for (const radio of screen.getAllByRole('radio')) expect(radio).not.toBeChecked();
	});

	it('quick form for a reply asks only spam, wrong language and quality', () => {
		renderForm({ task: labelTask('label_assistant_reply', 'simple') });

		expect(screen.getByTestId('label-form')).toHaveAttribute('data-form', 'simple');
		expect(
			screen.getByText('Quick form: a few questions that decide whether the message is kept.')
		).toBeInTheDocument();
		expect(legends()).toEqual([
			'Seems to be intentionally low-quality or irrelevant*',
			'Flags: tick whatever applies',
			'Quality'
		]);
		expect(
			screen.getByRole('checkbox', { name: 'Wrong language' }).closest('label')
		).toHaveAttribute('title', 'The message is written in a language other than the selected one.');
	});

	it('a prompt is not asked whether it fails the task or helps', () => {
		renderForm({ task: labelTask('label_initial_prompt', 'full') });
		expect(screen.queryByRole('group', { name: /Fails to follow/ })).not.toBeInTheDocument();
		expect(screen.queryByRole('group', { name: 'Helpfulness' })).not.toBeInTheDocument();
		expect(screen.getByRole('group', { name: 'Quality' })).toBeInTheDocument();
	});

	it('the quick form for an initial prompt has no scales at all', () => {
		renderForm({ task: labelTask('label_initial_prompt', 'simple') });
		expect(legends()).toEqual([
			'Seems to be intentionally low-quality or irrelevant*',
			'Flags: tick whatever applies'
		]);
	});

	it('answers a question, ticks and unticks a flag, each change reported whole', async () => {
		const user = userEvent.setup();
		const { changes } = renderForm();

		await user.click(within(group(/intentionally low-quality/)).getByRole('radio', { name: 'No' }));
		await user.click(screen.getByRole('checkbox', { name: 'Expresses political views' }));
		await user.click(
			within(group(/intentionally low-quality/)).getByRole('radio', { name: 'Yes' })
		);
		await user.click(screen.getByRole('checkbox', { name: 'Expresses political views' }));

		expect(changes).toEqual([
			{ spam: 0 },
			{ spam: 0, political_content: 1 },
			{ spam: 1, political_content: 1 },
			{ spam: 1, political_content: 0 }
		]);
		expect(
			within(group(/intentionally low-quality/)).getByRole('radio', { name: 'Yes' })
		).toBeChecked();
		expect(screen.getByRole('checkbox', { name: 'Expresses political views' })).not.toBeChecked();
	});

	it('a scale takes one of five steps, named by its poles, and can be cleared', async () => {
		const user = userEvent.setup();
		const { changes } = renderForm();
		const quality = group('Quality');

		const steps = within(quality).getAllByRole('radio');
		expect(steps.map((s) => s.getAttribute('aria-label'))).toEqual([
			'Quality: 1 of 5 (Low quality)',
			'Quality: 2 of 5 (between low quality and high quality)',
			'Quality: 3 of 5 (between low quality and high quality)',
			'Quality: 4 of 5 (between low quality and high quality)',
			'Quality: 5 of 5 (High quality)'
		]);

		await user.click(
			within(quality).getByRole('radio', {
				name: 'Quality: 4 of 5 (between low quality and high quality)'
			})
		);
		expect(changes.at(-1)).toEqual({ quality: 0.75 });
		expect(steps[3]).toBeChecked();

		await user.click(within(quality).getByRole('button', { name: 'Clear' }));
		expect(changes.at(-1)).toEqual({});
		for (const step of steps) expect(step).not.toBeChecked();
		expect(within(quality).queryByRole('button', { name: 'Clear' })).not.toBeInTheDocument();
	});

	it('is filled in with the keyboard alone: Tab, Space and the arrow keys', async () => {
		const user = userEvent.setup();
		const { changes } = renderForm({ task: labelTask('label_assistant_reply', 'simple') });

		// The first stop is the spam question; Space answers it.
		await user.tab();
		const yes = within(group(/intentionally low-quality/)).getByRole('radio', { name: 'Yes' });
		expect(yes).toHaveFocus();
		await user.keyboard(' ');
		expect(changes.at(-1)).toEqual({ spam: 1 });
		// An arrow key moves the answer within the question.
		await user.keyboard('{ArrowRight}');
		const no = within(group(/intentionally low-quality/)).getByRole('radio', { name: 'No' });
		expect(no).toHaveFocus();
		expect(no).toBeChecked();
		expect(changes.at(-1)).toEqual({ spam: 0 });

		// Next: the flag, ticked with Space.
		await user.tab();
		expect(screen.getByRole('checkbox', { name: 'Wrong language' })).toHaveFocus();
		await user.keyboard(' ');
		expect(changes.at(-1)).toEqual({ spam: 0, lang_mismatch: 1 });

		// Then the quality scale: Space picks the first step, the arrows walk the scale.
		await user.tab();
		expect(screen.getByRole('radio', { name: 'Quality: 1 of 5 (Low quality)' })).toHaveFocus();
		await user.keyboard(' {ArrowRight}{ArrowRight}');
		expect(changes.at(-1)).toEqual({ spam: 0, lang_mismatch: 1, quality: 0.5 });
		expect(screen.getByRole('radio', { name: /Quality: 3 of 5/ })).toBeChecked();

		// The Clear button that appeared is the next stop, and Enter clears.
		await user.tab();
		expect(screen.getByRole('button', { name: 'Clear' })).toHaveFocus();
		await user.keyboard('{Enter}');
		expect(changes.at(-1)).toEqual({ spam: 0, lang_mismatch: 1 });
	});

	it('shows the values it is given', () => {
		renderForm({ values: { spam: 0, fails_task: 1, pii: 1, humor: 0 } });

		expect(
			within(group(/intentionally low-quality/)).getByRole('radio', { name: 'No' })
		).toBeChecked();
		expect(within(group(/Fails to follow/)).getByRole('radio', { name: 'Yes' })).toBeChecked();
		expect(
			screen.getByRole('checkbox', { name: 'Contains personal identifiable information (PII)' })
		).toBeChecked();
		expect(screen.getByRole('checkbox', { name: 'Inappropriate' })).not.toBeChecked();
		expect(screen.getByRole('radio', { name: 'Humor: 1 of 5 (Serious)' })).toBeChecked();
		expect(within(group('Humor')).getByRole('button', { name: 'Clear' })).toBeInTheDocument();
		expect(
			within(group('Quality')).queryByRole('button', { name: 'Clear' })
		).not.toBeInTheDocument();
	});

	it('disabled: no question, flag or step can be changed', async () => {
		const user = userEvent.setup();
		const { onChange } = renderForm({ disabled: true });

		for (const input of [...screen.getAllByRole('radio'), ...screen.getAllByRole('checkbox')]) {
			expect(input).toBeDisabled();
		}
		await user.click(
			within(group(/intentionally low-quality/)).getByRole('radio', { name: 'Yes' })
		);
		await user.click(screen.getByRole('checkbox', { name: 'Inappropriate' }));
		await user.tab();
		expect(document.body).toHaveFocus();
		expect(onChange).not.toHaveBeenCalled();
	});
});

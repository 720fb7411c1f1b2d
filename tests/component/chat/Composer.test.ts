import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Composer from '$lib/components/chat/Composer.svelte';

/** Drafts kept per conversation, as the chat's draft repository keeps them. */
function drafts(initial: Record<string, string> = {}) {
	const saved = new Map(Object.entries(initial));
	const key = (id: string | null) => id ?? 'new';
	return {
		saved,
		loadDraft: vi.fn(async (id: string | null) => saved.get(key(id)) ?? ''),
		saveDraft: vi.fn(async (id: string | null, text: string) => {
			saved.set(key(id), text);
		})
	};
}

function renderComposer(
	options: {
		conversationId?: string | null;
		streaming?: boolean;
		saved?: Record<string, string>;
		/** Whether the chat takes what is sent. */
		accepts?: boolean;
	} = {}
) {
	const store = drafts(options.saved);
	const onSend = vi.fn(async (_text: string) => options.accepts ?? true);
	const onStop = vi.fn();
	const props = {
		conversationId: options.conversationId ?? null,
		streaming: options.streaming ?? false,
		loadDraft: store.loadDraft,
		saveDraft: store.saveDraft,
		onSend,
		onStop
	};
	const result = render(Composer, props);
	return { ...result, ...store, props, onSend, onStop };
}

const box = () => screen.getByRole('textbox', { name: 'Message' });

describe('Composer', () => {
	it('starts empty with Send off, and says where the model runs', async () => {
		const { loadDraft } = renderComposer();
		expect(box()).toHaveValue('');
		expect(box()).toHaveAttribute('placeholder', 'Ask anything — it runs on this device');
		expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
		await waitFor(() => expect(loadDraft).toHaveBeenCalledWith(null));
	});

	it('Enter sends the text, empties the box and keeps the keyboard there', async () => {
		const user = userEvent.setup();
		const { onSend, saved } = renderComposer({ conversationId: 'c-1' });

		await user.click(box());
		await user.keyboard('How do tides work?');
		expect(saved.get('c-1')).toBe('How do tides work?');
		expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();

		await user.keyboard('{Enter}');
		expect(onSend).toHaveBeenCalledExactlyOnceWith('How do tides work?');
		expect(box()).toHaveValue('');
		expect(box()).toHaveFocus();
		expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
	});

	it('on a touch screen, Enter starts a new line and the Send button sends', async () => {
		vi.stubGlobal('matchMedia', (query: string) => ({ matches: query === '(pointer: coarse)' }));
		try {
			const user = userEvent.setup();
			const { onSend } = renderComposer();

			await user.click(box());
			await user.keyboard('First line{Enter}second line');
			expect(onSend).not.toHaveBeenCalled();
			expect(box()).toHaveValue('First line\nsecond line');
			await user.click(screen.getByRole('button', { name: 'Send' }));
			expect(onSend).toHaveBeenCalledExactlyOnceWith('First line\nsecond line');
		} finally {
			vi.unstubAllGlobals();
		}
	});

	it('gets the text back when the chat refuses it, and keeps it as the draft', async () => {
		const user = userEvent.setup();
		const { onSend, saved } = renderComposer({ conversationId: 'c-1', accepts: false });

		await user.click(box());
		await user.keyboard('A second question{Enter}');
		expect(onSend).toHaveBeenCalledExactlyOnceWith('A second question');
		await waitFor(() => expect(box()).toHaveValue('A second question'));
		expect(saved.get('c-1')).toBe('A second question');
	});

	it('Shift+Enter starts a new line instead of sending', async () => {
		const user = userEvent.setup();
		const { onSend } = renderComposer();

		await user.click(box());
		await user.keyboard('First line{Shift>}{Enter}{/Shift}second line');
		expect(onSend).not.toHaveBeenCalled();
		expect(box()).toHaveValue('First line\nsecond line');

		await user.click(screen.getByRole('button', { name: 'Send' }));
		expect(onSend).toHaveBeenCalledExactlyOnceWith('First line\nsecond line');
		// After a click on Send, the keyboard is back in the box for the next message.
		expect(box()).toHaveFocus();
	});

	it('an Enter that ends an IME composition is not a send', async () => {
		const user = userEvent.setup();
		const { onSend } = renderComposer();
		await user.type(box(), 'にほんご');

		await fireEvent.keyDown(box(), { key: 'Enter', isComposing: true });
		expect(onSend).not.toHaveBeenCalled();
		await fireEvent.keyDown(box(), { key: 'Enter' });
		expect(onSend).toHaveBeenCalledExactlyOnceWith('にほんご');
	});

	it('sends nothing blank', async () => {
		const user = userEvent.setup();
		const { onSend } = renderComposer();
		await user.type(box(), '   {Enter}');
		expect(onSend).not.toHaveBeenCalled();
		expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
	});

	it('while a reply streams: Stop instead of Send, and Enter waits', async () => {
		const user = userEvent.setup();
		const { onSend, onStop, rerender, props } = renderComposer({ streaming: true });

		expect(screen.queryByRole('button', { name: 'Send' })).not.toBeInTheDocument();
		await user.type(box(), 'Next question{Enter}');
		expect(onSend).not.toHaveBeenCalled();
		// What was typed stays for later.
		expect(box()).toHaveValue('Next question');

		await user.click(screen.getByRole('button', { name: 'Stop' }));
		expect(onStop).toHaveBeenCalledTimes(1);

		await rerender({ ...props, streaming: false });
		await user.click(box());
		await user.keyboard('{Enter}');
		expect(onSend).toHaveBeenCalledExactlyOnceWith('Next question');
	});

	it('restores each conversation’s own draft when the conversation changes', async () => {
		const { rerender, props } = renderComposer({
			conversationId: 'c-1',
			saved: { 'c-1': 'Half a question', 'c-2': 'Another thought' }
		});
		await waitFor(() => expect(box()).toHaveValue('Half a question'));

		await rerender({ ...props, conversationId: 'c-2' });
		await waitFor(() => expect(box()).toHaveValue('Another thought'));

		await rerender({ ...props, conversationId: null });
		await waitFor(() => expect(box()).toHaveValue(''));
	});

	it('what the user types before a slow draft arrives wins over it', async () => {
		const user = userEvent.setup();
		let arrive: (text: string) => void = () => {};
		const onSend = vi.fn();
		render(Composer, {
			conversationId: 'c-1',
			streaming: false,
			loadDraft: () => new Promise<string>((resolve) => (arrive = resolve)),
			saveDraft: async () => {},
			onSend,
			onStop: () => {}
		});

		await user.type(box(), 'Typed first');
		arrive('An old draft');
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(box()).toHaveValue('Typed first');
	});
});

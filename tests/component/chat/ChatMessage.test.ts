import { describe, expect, it, vi } from 'vitest';
import { tick, type ComponentProps } from 'svelte';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ChatMessage from '$lib/components/chat/ChatMessage.svelte';
import { ReplyStream } from '$lib/chat/reply-stream.svelte';
import type { StoredMessage } from '$lib/db/records/message';

function message(overrides: Partial<StoredMessage> = {}): StoredMessage {
	return {
		id: 'm-1',
		conversationId: 'c-1',
		parentId: null,
		role: 'assistant',
		content: 'Tides come from the **Moon**.',
		createdAt: 1_000,
		model: 'hearth-demo',
		stats: null,
		finishReason: 'stop',
		...overrides
	};
}

function props(overrides: Partial<ComponentProps<typeof ChatMessage>> = {}) {
	return {
		message: message(),
		stream: null,
		siblings: { index: 0, count: 1 },
		sameAs: null,
		temperature: undefined,
		busy: false,
		onOpenSettings: vi.fn(),
		onSwitch: vi.fn(),
		onEdit: vi.fn(),
		onRegenerate: vi.fn(),
		onReply: vi.fn(),
		onContinue: vi.fn(),
		onRate: vi.fn(),
		onDelete: vi.fn(),
		onAllowNetwork: vi.fn(),
		...overrides
	};
}

const article = () => screen.getByTestId('message');
const content = () => screen.getByTestId('message-content');
const actions = () => screen.getByRole('group', { name: 'Message actions' });

describe('ChatMessage: a user message', () => {
	it('shows the text as typed, with Edit and Delete but no reply actions', () => {
		render(
			ChatMessage,
			props({ message: message({ role: 'user', content: 'How do *tides* work?' }) })
		);

		expect(article()).toHaveAttribute('data-role', 'user');
		expect(screen.getByText('You')).toBeInTheDocument();
		// Not Markdown: the asterisks stay.
		expect(content()).toHaveTextContent('How do *tides* work?');
		const buttons = within(actions())
			.getAllByRole('button')
			.map((b) => b.textContent?.trim());
		expect(buttons).toEqual(['Edit', 'Delete']);
	});

	it('offers “Get a reply” when it ends the thread without one, and asks for it', async () => {
		const user = userEvent.setup();
		const p = props({
			message: message({ role: 'user', content: 'Left alone' }),
			unanswered: true
		});
		render(ChatMessage, p);

		const buttons = within(actions())
			.getAllByRole('button')
			.map((b) => b.textContent?.trim());
		expect(buttons).toEqual(['Get a reply', 'Edit', 'Delete']);
		await user.click(screen.getByRole('button', { name: 'Get a reply' }));
		expect(p.onReply).toHaveBeenCalledOnce();
	});

	it('keeps a very long message whole, line breaks included', () => {
		const long = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
		render(ChatMessage, props({ message: message({ role: 'user', content: long }) }));

		expect(content().textContent).toBe(long);
		expect(content().textContent).toHaveLength(long.length);
	});

	it('edits: the form starts from the message, and Save sends the new text', async () => {
		const user = userEvent.setup();
		const p = props({ message: message({ role: 'user', content: 'Old question' }) });
		render(ChatMessage, p);

		const scrolled = vi.spyOn(Element.prototype, 'scrollIntoView');
		await user.click(screen.getByRole('button', { name: 'Edit' }));
		const box = screen.getByRole('textbox', { name: 'Edit your message' });
		expect(box).toHaveValue('Old question');
		// The keyboard is in the box, and the form is brought into view whole.
		await waitFor(() => expect(box).toHaveFocus());
		expect(scrolled).toHaveBeenCalledWith({ block: 'nearest' });
		expect(scrolled.mock.contexts[0]).toBe(box.closest('form'));
		scrolled.mockRestore();
		// While editing, the message actions are gone.
		expect(screen.queryByRole('group', { name: 'Message actions' })).not.toBeInTheDocument();

		await user.clear(box);
		await user.type(box, 'New question');
		await user.click(screen.getByRole('button', { name: 'Save and send' }));

		expect(p.onEdit).toHaveBeenCalledExactlyOnceWith('New question');
		expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
	});

	it('edits with the keyboard alone: Tab from the text to Save, Enter sends', async () => {
		const user = userEvent.setup();
		const p = props({ message: message({ role: 'user', content: 'Old' }) });
		render(ChatMessage, p);

		await user.tab();
		expect(screen.getByRole('button', { name: 'Edit' })).toHaveFocus();
		await user.keyboard('{Enter}');
		const box = screen.getByRole('textbox', { name: 'Edit your message' });
		await user.click(box);
		// Enter in the text area is a new line, not a submission.
		await user.keyboard(' and more{Enter}lines');
		expect(p.onEdit).not.toHaveBeenCalled();
		expect(box).toHaveValue('Old and more\nlines');

		await user.tab();
		expect(screen.getByRole('button', { name: 'Save and send' })).toHaveFocus();
		await user.keyboard('{Enter}');
		expect(p.onEdit).toHaveBeenCalledExactlyOnceWith('Old and more\nlines');
	});

	it('will not save an empty edit, and Cancel leaves the message as it was', async () => {
		const user = userEvent.setup();
		const p = props({ message: message({ role: 'user', content: 'Keep me' }) });
		render(ChatMessage, p);

		await user.click(screen.getByRole('button', { name: 'Edit' }));
		const box = screen.getByRole('textbox', { name: 'Edit your message' });
		await user.clear(box);
		await user.type(box, '   ');
		const save = screen.getByRole('button', { name: 'Save and send' });
		expect(save).toBeDisabled();
		await user.click(save);
		expect(p.onEdit).not.toHaveBeenCalled();

		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect(p.onEdit).not.toHaveBeenCalled();
		expect(content()).toHaveTextContent('Keep me');
		expect(screen.getByRole('button', { name: 'Edit' })).toBeInTheDocument();
	});
});

describe('ChatMessage: a finished reply', () => {
	it('names the registry version of the model that wrote it', () => {
		const stats = {
			promptTokens: 1,
			completionTokens: 2,
			prefillTokensPerSecond: 10,
			decodeTokensPerSecond: 10,
			timeToFirstTokenMs: 5
		};
		render(
			ChatMessage,
			props({ message: message({ stats, modelVersion: 4 }), modelName: 'Hearth demo (q4)' })
		);
		expect(screen.getByTestId('reply-model')).toHaveTextContent(/^Hearth demo \(q4\) v4$/);
		expect(screen.getByTestId('reply-model')).toHaveAttribute('title', 'hearth-demo');
	});

	it('renders Markdown, its stats and the model, and is not busy', async () => {
		render(
			ChatMessage,
			props({
				message: message({
					stats: {
						promptTokens: 12,
						completionTokens: 34,
						prefillTokensPerSecond: 250.4,
						decodeTokensPerSecond: 42.26,
						timeToFirstTokenMs: 87.6
					}
				})
			})
		);

		expect(article()).toHaveAttribute('aria-busy', 'false');
		expect(article()).toHaveAttribute('data-finish', 'stop');
		expect(screen.getByText('Assistant')).toBeInTheDocument();
		// Markdown renders on the next animation frame, once its renderer has loaded.
		const bold = await within(content()).findByText('Moon', { selector: 'strong' });
		expect(bold).toBeInTheDocument();
		expect(screen.getByTestId('reply-stats')).toHaveTextContent(
			'42.3 tokens/s prompt 250 tokens/s first token 88 ms 34 tokens hearth-demo'
		);
		// A model this device does not list, without a registry version: its id alone.
		expect(screen.getByTestId('reply-model')).toHaveTextContent(/^hearth-demo$/);
		expect(screen.queryByRole('alert')).not.toBeInTheDocument();
		expect(screen.queryByText('Stopped.')).not.toBeInTheDocument();
		// A complete reply cannot be continued.
		expect(screen.queryByRole('button', { name: 'Continue' })).not.toBeInTheDocument();
	});

	it('calls back for Regenerate, Delete and both ratings', async () => {
		const user = userEvent.setup();
		const p = props();
		render(ChatMessage, p);

		await user.click(screen.getByRole('button', { name: 'Regenerate' }));
		await user.click(screen.getByRole('button', { name: 'Good reply' }));
		await user.click(screen.getByRole('button', { name: 'Bad reply' }));
		await user.click(screen.getByRole('button', { name: 'Delete' }));

		expect(p.onRegenerate).toHaveBeenCalledTimes(1);
		expect(p.onRate).toHaveBeenCalledTimes(2);
		expect(p.onRate).toHaveBeenNthCalledWith(1, 'up');
		expect(p.onRate).toHaveBeenNthCalledWith(2, 'down');
		expect(p.onDelete).toHaveBeenCalledTimes(1);
	});

	it('shows the rating given as a pressed button', async () => {
		const { rerender } = render(ChatMessage, props());
		const good = screen.getByRole('button', { name: 'Good reply' });
		const bad = screen.getByRole('button', { name: 'Bad reply' });
		expect(good).toHaveAttribute('aria-pressed', 'false');
		expect(bad).toHaveAttribute('aria-pressed', 'false');

		await rerender(props({ message: message({ feedback: 'down' }) }));
		expect(good).toHaveAttribute('aria-pressed', 'false');
		expect(bad).toHaveAttribute('aria-pressed', 'true');

		await rerender(props({ message: message({ feedback: 'up' }) }));
		expect(good).toHaveAttribute('aria-pressed', 'true');
		expect(bad).toHaveAttribute('aria-pressed', 'false');
	});

	it('an empty reply still renders, with its actions', () => {
		render(ChatMessage, props({ message: message({ content: '' }) }));
		expect(content().textContent?.trim()).toBe('');
		expect(screen.getByRole('button', { name: 'Regenerate' })).toBeEnabled();
	});

	it('switches between versions, and the switcher is only there with more than one', async () => {
		const user = userEvent.setup();
		const p = props({ siblings: { index: 1, count: 3 } });
		const { rerender } = render(ChatMessage, p);

		expect(screen.getByTestId('sibling-switcher')).toHaveTextContent('2/3');
		await user.click(screen.getByRole('button', { name: 'Previous version' }));
		await user.click(screen.getByRole('button', { name: 'Next version' }));
		expect(p.onSwitch).toHaveBeenCalledTimes(2);
		expect(p.onSwitch).toHaveBeenNthCalledWith(1, -1);
		expect(p.onSwitch).toHaveBeenNthCalledWith(2, 1);

		await rerender({ ...p, siblings: { index: 2, count: 3 } });
		expect(screen.getByTestId('sibling-switcher')).toHaveTextContent('3/3');
		expect(screen.getByRole('button', { name: 'Next version' })).toBeDisabled();
		expect(screen.getByRole('button', { name: 'Previous version' })).toBeEnabled();

		await rerender({ ...p, siblings: { index: 0, count: 1 } });
		expect(screen.queryByTestId('sibling-switcher')).not.toBeInTheDocument();
	});

	it('while another reply streams: tree changes wait, ratings do not', () => {
		render(ChatMessage, props({ busy: true, siblings: { index: 0, count: 2 } }));

		for (const name of ['Regenerate', 'Delete', 'Previous version', 'Next version']) {
			expect(screen.getByRole('button', { name })).toBeDisabled();
		}
		expect(screen.getByRole('button', { name: 'Good reply' })).toBeEnabled();
		expect(screen.getByRole('button', { name: 'Bad reply' })).toBeEnabled();
	});
});

describe('ChatMessage: how a reply ended', () => {
	it('an error reads as an alert, without a Continue', () => {
		render(
			ChatMessage,
			props({
				message: message({
					content: '',
					finishReason: 'error',
					error: 'The model could not start: out of memory.'
				})
			})
		);

		expect(screen.getByRole('alert')).toHaveTextContent(
			'The model could not start: out of memory.'
		);
		expect(screen.getByTestId('reply-error')).toBeInTheDocument();
		expect(article()).toHaveAttribute('data-finish', 'error');
		expect(screen.queryByRole('button', { name: 'Continue' })).not.toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Regenerate' })).toBeEnabled();
	});

	it.each([
		['interrupted', 'Stopped.'],
		['length', 'Cut off at the token limit.']
	] as const)('a reply that ended "%s" says "%s" and can be continued', async (reason, note) => {
		const user = userEvent.setup();
		const p = props({ message: message({ finishReason: reason }) });
		render(ChatMessage, p);

		expect(screen.getByText(note)).toBeInTheDocument();
		expect(screen.queryByRole('alert')).not.toBeInTheDocument();
		await user.click(screen.getByRole('button', { name: 'Continue' }));
		expect(p.onContinue).toHaveBeenCalledTimes(1);
	});

	it('Continue waits while another reply streams', () => {
		render(ChatMessage, props({ busy: true, message: message({ finishReason: 'length' }) }));
		expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
	});

	it('a reply repeating an earlier version says so', () => {
		render(ChatMessage, props({ sameAs: 1, temperature: 0.7 }));
		expect(screen.getByTestId('same-reply')).toHaveTextContent('Same reply as version 1.');
		expect(screen.queryByRole('button', { name: 'Open chat settings' })).not.toBeInTheDocument();
	});

	it('at temperature 0 the repeat note explains why and opens the settings', async () => {
		const user = userEvent.setup();
		const p = props({ sameAs: 2, temperature: 0 });
		render(ChatMessage, p);

		expect(screen.getByTestId('same-reply')).toHaveTextContent(
			'Same reply as version 2. At temperature 0 the model gives the same reply every time'
		);
		await user.click(screen.getByRole('button', { name: 'Open chat settings' }));
		expect(p.onOpenSettings).toHaveBeenCalledTimes(1);
	});
});

describe('ChatMessage: a reply being written', () => {
	it('waits, loads, streams, then finishes with its actions', async () => {
		const stream = new ReplyStream('m-1');
		const p = props({ message: message({ content: '', finishReason: undefined }), stream });
		const { rerender } = render(ChatMessage, p);

		expect(article()).toHaveAttribute('aria-busy', 'true');
		expect(article()).toHaveAttribute('data-finish', '');
		expect(screen.getByRole('status')).toHaveTextContent(
			'Waiting for the reply in another conversation…'
		);
		// No actions on a reply still being written.
		expect(screen.queryByRole('group', { name: 'Message actions' })).not.toBeInTheDocument();

		stream.phase = 'loading';
		await tick();
		expect(screen.getByRole('status')).toHaveTextContent('Loading the model…');

		stream.status = 'Compiling the model for WebGPU';
		await tick();
		expect(screen.getByRole('status')).toHaveTextContent('Compiling the model for WebGPU');

		stream.phase = 'streaming';
		stream.text = 'The Moon';
		await tick();
		expect(screen.queryByRole('status')).not.toBeInTheDocument();
		expect(content()).toHaveTextContent(/^The Moon\s*▍$/);

		stream.text = 'The Moon pulls the sea.';
		await tick();
		expect(await within(content()).findByText('The Moon pulls the sea.')).toBeInTheDocument();

		await rerender({
			...p,
			stream: null,
			message: message({ content: 'The Moon pulls the sea.', finishReason: 'stop' })
		});
		expect(article()).toHaveAttribute('aria-busy', 'false');
		expect(content()).not.toHaveTextContent('▍');
		expect(within(actions()).getByRole('button', { name: 'Regenerate' })).toBeEnabled();
	});

	it('a continued reply shows the text it already had while the model loads', async () => {
		const stream = new ReplyStream('m-1', 'Half an answer');
		stream.phase = 'loading';
		render(
			ChatMessage,
			props({ message: message({ content: 'Half an answer', finishReason: 'length' }), stream })
		);

		expect(screen.queryByRole('status')).not.toBeInTheDocument();
		expect(content()).toHaveTextContent('Half an answer');
		// The old ending is not shown while the reply goes on.
		expect(screen.queryByText('Cut off at the token limit.')).not.toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Continue' })).not.toBeInTheDocument();
	});

	it('shows neither an old error, a repeat note nor stats while streaming', () => {
		const stream = new ReplyStream('m-1');
		stream.phase = 'streaming';
		stream.text = 'Retrying';
		render(
			ChatMessage,
			props({
				message: message({
					finishReason: 'error',
					error: 'Old failure',
					stats: {
						promptTokens: 1,
						completionTokens: 1,
						prefillTokensPerSecond: 1,
						decodeTokensPerSecond: 1,
						timeToFirstTokenMs: 1
					}
				}),
				stream,
				sameAs: 1
			})
		);

		expect(screen.queryByRole('alert')).not.toBeInTheDocument();
		expect(screen.queryByTestId('same-reply')).not.toBeInTheDocument();
		expect(screen.queryByTestId('reply-stats')).not.toBeInTheDocument();
		expect(content()).toHaveTextContent(/^Retrying\s*▍$/);
	});
});

describe('ChatMessage: a reply that used tools', () => {
	const calculatorStep = {
		text: '',
		calls: [
			{
				name: 'calculator',
				arguments: { expression: '347 * 829' },
				result: '287663',
				status: 'ok' as const,
				ms: 3
			}
		]
	};

	it('shows each call as a compact step that opens on its arguments and result', async () => {
		render(
			ChatMessage,
			props({
				message: message({ content: '347 * 829 = 287663.', steps: [calculatorStep] })
			})
		);
		// The steps' component loads on demand, a moment after the reply shows.
		const step = await screen.findByTestId('tool-step');
		expect(step).toHaveAttribute('data-tool', 'calculator');
		expect(step).not.toHaveAttribute('open');
		expect(within(step).getByText('347 * 829', { selector: '.args' })).toBeVisible();
		await userEvent.click(within(step).getByText('calculator'));
		expect(step).toHaveAttribute('open');
		expect(within(step).getByTestId('tool-result')).toHaveTextContent('287663');
		expect(content()).toHaveTextContent('347 * 829 = 287663.');
	});

	it('says how many calls the model wrote past a round’s limit, which were not run', async () => {
		render(
			ChatMessage,
			props({ message: message({ content: 'Done.', steps: [{ ...calculatorStep, notRun: 2 }] }) })
		);
		expect(await screen.findByTestId('tool-calls-not-run')).toHaveTextContent(
			'The model wrote 2 more calls than were run: a round runs at most 4.'
		);
	});

	it('says nothing of calls not run when every call ran', async () => {
		render(ChatMessage, props({ message: message({ content: 'x', steps: [calculatorStep] }) }));
		await screen.findByTestId('tool-step');
		expect(screen.queryByTestId('tool-calls-not-run')).toBeNull();
	});

	it('renders a hostile tool result sanitised: no handler, no script link, nothing runs', async () => {
		const ran = vi.fn();
		(globalThis as { hostile?: () => void }).hostile = ran;
		render(
			ChatMessage,
			props({
				message: message({
					content: 'Done.',
					steps: [
						{
							text: '',
							calls: [
								{
									name: 'encyclopedia',
									arguments: { query: 'x' },
									result:
										'<img src=x onerror="hostile()"> [click](javascript:hostile()) <script>hostile()</script>',
									status: 'ok',
									ms: 5
								}
							]
						}
					]
				})
			})
		);
		await userEvent.click(await screen.findByText('encyclopedia'));
		const result = screen.getByTestId('tool-result');
		await vi.waitFor(() => expect(result.querySelector('.markdown')?.innerHTML).toContain('click'));
		expect(result.querySelector('[onerror]')).toBeNull();
		expect(result.querySelector('script')).toBeNull();
		// Rendered as Markdown or, until the renderer has loaded, as plain text: either way no
		// attribute of anything in it holds the script address (as text it is harmless).
		const attributes = [...result.querySelectorAll('*')].flatMap((element) => [
			...element.attributes
		]);
		expect(attributes.length).toBeGreaterThan(0);
		expect(attributes.filter((a) => /^\s*javascript:/i.test(a.value))).toEqual([]);
		expect(ran).not.toHaveBeenCalled();
	});

	it('links [n] in the answer to the passages the last search returned, and each passage to its document', async () => {
		render(
			ChatMessage,
			props({
				message: message({
					content: 'The shed code is 4417 [1].',
					steps: [
						{
							text: '',
							calls: [
								{
									name: 'search_documents',
									arguments: { query: 'shed code' },
									result: '[1] Garden: The shed code is 4417.',
									status: 'ok',
									sources: [{ id: 'doc-7#0', title: 'Garden', text: 'The shed code is 4417.' }],
									ms: 2
								}
							]
						}
					]
				})
			})
		);
		const mark = await within(content()).findByRole('link', { name: '[1]' });
		expect(mark).toHaveAttribute('href', '#cite-m-1-1');
		const sources = screen.getByTestId('sources');
		expect(within(sources).getByRole('link', { name: 'Garden' })).toHaveAttribute(
			'href',
			'/documents#doc-7'
		);
		expect(sources.querySelector('#cite-m-1-1')).toHaveTextContent('The shed code is 4417.');
	});

	it('asks before a network tool runs and passes the answer on', async () => {
		const stream = new ReplyStream('m-1');
		stream.phase = 'tool';
		void stream.askPermission();
		const onAllowNetwork = vi.fn();
		render(ChatMessage, props({ message: message({ content: '' }), stream, onAllowNetwork }));
		const dialog = screen.getByRole('alertdialog');
		expect(dialog).toHaveTextContent('Wikipedia');
		await userEvent.click(within(dialog).getByRole('button', { name: "Don't allow" }));
		expect(onAllowNetwork).toHaveBeenCalledWith(false);
	});

	it('hides a tool call while the model is still writing it', async () => {
		const stream = new ReplyStream('m-1');
		stream.phase = 'streaming';
		stream.text = 'Let me check. <tool_call>{"name": "calcu';
		render(ChatMessage, props({ message: message({ content: '' }), stream }));
		await tick();
		expect(content()).toHaveTextContent(/^Let me check\.\s*▍$/);
	});
});

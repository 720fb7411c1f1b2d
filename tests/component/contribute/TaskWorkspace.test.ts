// The task workspace against a real ContributeSession: Dexie on fake-indexeddb for the device's
// storage, and the sync engine talking to the unit suite's fake sync server. Every click and
// keystroke goes through the session as on the Contribute page, and is checked where it lands:
// the rendered workspace, the saved draft, and the mutations the server applied.
import { beforeAll, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import TaskWorkspace from '$lib/components/contribute/TaskWorkspace.svelte';
import { ContributeSession } from '$lib/contribute/contribute-session.svelte';
import { loadReplyTools } from '$lib/contribute/reply-tools';
import { draftKey } from '$lib/contribute/task-draft';
import type { LeasedTask } from '$lib/protocol/sync';
import { HearthApi } from '$lib/sync/api-client';
import { SyncEngine } from '$lib/sync/sync-engine';
import { SyncStatus } from '$lib/sync/sync-status.svelte';
import { openTestStorage } from '../../unit/db/open-test-storage';
import { FakeSyncServer } from '../../unit/sync/fake-server';
import { labelTask, leased, promptTask, rankTask, replyTask } from '../../unit/contribute/fixtures';

/** A session holding `tasks`, opened on the first, and the workspace rendered for it. */
async function workspaceFor(...tasks: LeasedTask[]) {
	const { storage } = openTestStorage();
	const server = new FakeSyncServer();
	const network = { online: true };
	const engine = new SyncEngine(storage, new HearthApi(server.fetch));
	const sync = new SyncStatus(async () => ({ storage, engine }), {
		intervalMs: 60_000,
		random: () => 0.5,
		requestBackgroundSync: async () => false,
		isOnline: () => network.online,
		schedule: () => () => {}
	});
	const session = new ContributeSession(storage, sync, () => 1_000);
	await session.init('en-GB');
	server.available = tasks;
	await session.takeTasks();
	if (!session.current) throw new Error('no task opened');
	const result = render(TaskWorkspace, { session, held: session.current });
	/** What the Contribute page does when the open task changes. */
	const follow = async () => {
		if (session.current) await result.rerender({ session, held: session.current });
	};
	return { ...result, storage, server, network, sync, session, follow };
}

/** The task results the server applied (each a `submit_task_result` mutation's arguments). */
const results = (server: FakeSyncServer) =>
	server.applied.filter((m) => m.name === 'submit_task_result').map((m) => m.args);
const applied = (server: FakeSyncServer) => server.applied.map((m) => m.name);
const button = (name: string | RegExp) => screen.getByRole('button', { name });

describe('TaskWorkspace: writing a reply', () => {
	it('shows the guide, the lease, the conversation and an editor for the reply', async () => {
		const held = leased(replyTask('t-1'));
		await workspaceFor(held);

		const workspace = screen.getByTestId('task-workspace');
		expect(workspace).toHaveAttribute('data-task-type', 'assistant_reply');
		expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Reply as the assistant');
		expect(
			screen.getByText(
				`Reserved for you until ${new Date(held.expiresAt).toLocaleString()}; work done later is still taken if it fits.`
			)
		).toBeInTheDocument();
		const context = screen.getByRole('list', { name: 'Conversation so far' });
		expect(within(context).getAllByTestId('context-message')).toHaveLength(1);
		expect(context).toHaveTextContent('How do tides work?');
		expect(screen.getByRole('textbox', { name: 'Your reply as the assistant' })).toHaveValue('');
		expect(screen.queryByText(/^Idea:/)).not.toBeInTheDocument();
		expect(screen.getAllByRole('tab').map((b) => b.textContent)).toEqual(['Write', 'Preview']);
		expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual([
			'Use a tool',
			'Review',
			'Hand back',
			'Skip…'
		]);
	});

	it('an empty reply cannot go to review: the problem is announced', async () => {
		const user = userEvent.setup();
		const { session } = await workspaceFor(leased(replyTask('t-1')));

		await user.click(button('Review'));
		expect(screen.getByRole('alert')).toHaveTextContent('Write something first.');
		expect(screen.getByTestId('task-problems')).toBeInTheDocument();
		expect(session.draft?.step).toBe('edit');

		// Typing clears the problem.
		await user.type(screen.getByRole('textbox', { name: 'Your reply as the assistant' }), 'T');
		expect(screen.queryByTestId('task-problems')).not.toBeInTheDocument();
	});

	it('saves every keystroke, reviews, goes back to edit, and submits', async () => {
		const user = userEvent.setup();
		const { session, storage, server } = await workspaceFor(leased(replyTask('t-1')));
		const text = 'The Moon and the Sun pull the oceans into two bulges.';

		await user.type(screen.getByRole('textbox', { name: 'Your reply as the assistant' }), text);
		expect(session.draft).toMatchObject({ kind: 'text', step: 'edit', text });
		await waitFor(async () =>
			expect((await storage.drafts.get(draftKey('t-1')))?.value).toMatchObject({ text })
		);

		await user.click(button('Review'));
		expect(screen.getByRole('heading', { name: 'Review before submitting' })).toBeInTheDocument();
		expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
		expect(screen.getByRole('region', { name: 'What you are about to submit' })).toHaveTextContent(
			text
		);
		// Nothing to warn about in a full sentence, no personal data.
		expect(screen.queryByTestId('review-warnings')).not.toBeInTheDocument();
		expect(screen.queryByTestId('pii-warning')).not.toBeInTheDocument();

		await user.click(button('Edit'));
		expect(screen.getByRole('textbox', { name: 'Your reply as the assistant' })).toHaveValue(text);
		await user.click(button('Review'));
		await user.click(button('Submit'));

		await waitFor(() =>
			expect(results(server)).toEqual([
				{ type: 'assistant_reply', taskId: 't-1', text, lang: 'en' }
			])
		);
		await waitFor(() => expect(session.notice).toBe('Submitted and sent.'));
		expect(session.current).toBeNull();
		expect(await storage.drafts.get(draftKey('t-1'))).toBeUndefined();
	});

	it('a one-word answer is warned about at review, and may still be submitted', async () => {
		const user = userEvent.setup();
		const { server } = await workspaceFor(leased(replyTask('t-1')));

		await user.type(
			screen.getByRole('textbox', { name: 'Your reply as the assistant' }),
			'Gravity'
		);
		await user.click(button('Review'));
		expect(screen.getByTestId('review-warnings')).toHaveTextContent(
			'A one-word reply is rarely the ideal answer'
		);
		expect(button('Submit')).toBeEnabled();
		await user.click(button('Submit'));
		await waitFor(() => expect(results(server)).toMatchObject([{ text: 'Gravity' }]));
	});

	it('personal data in the text holds Submit until the contributor confirms it', async () => {
		const user = userEvent.setup();
		const { server, session } = await workspaceFor(leased(replyTask('t-1')));

		await user.type(
			screen.getByRole('textbox', { name: 'Your reply as the assistant' }),
			'Write to ada@example.com for the tide tables.'
		);
		await user.click(button('Review'));

		const warning = screen.getByTestId('pii-warning');
		expect(warning).toHaveTextContent('This may contain personal data (e-mail address)');
		expect(within(warning).getByTestId('pii-mark')).toHaveTextContent('ada@example.com');
		expect(button('Submit')).toBeDisabled();

		await user.click(
			screen.getByRole('checkbox', {
				name: 'I checked: this is not personal data, or it may be shared'
			})
		);
		expect(session.piiConfirmed).toBe(true);
		expect(button('Submit')).toBeEnabled();
		await user.click(button('Submit'));
		await waitFor(() =>
			expect(results(server)).toMatchObject([
				{ text: 'Write to ada@example.com for the tide tables.' }
			])
		);
	});

	it('keeps a long reply whole through review', async () => {
		const user = userEvent.setup();
		const { session } = await workspaceFor(leased(replyTask('t-1')));
		const long = Array.from({ length: 60 }, (_, i) => `Paragraph ${i}: the tide turns.`).join(
			'\n\n'
		);

		const box = screen.getByRole('textbox', { name: 'Your reply as the assistant' });
		await user.click(box);
		await user.paste(long);
		expect(session.draft).toMatchObject({ text: long });
		await user.click(button('Review'));
		const summary = screen.getByRole('region', { name: 'What you are about to submit' });
		expect(summary).toHaveTextContent('Paragraph 0: the tide turns.');
		expect(summary).toHaveTextContent('Paragraph 59: the tide turns.');
	});
});

describe('TaskWorkspace: a reply that uses tools', () => {
	// The first import of the tools transforms mathjs, far longer than a findBy waits.
	beforeAll(() => loadReplyTools(), 60_000);
	const expression = () => screen.getByRole('textbox', { name: 'expression' });

	it('runs the calculator for real, keeps the step across a reload, removes it, and sends the steps with the reply', async () => {
		const user = userEvent.setup();
		const { storage, server, sync, unmount } = await workspaceFor(leased(replyTask('t-1')));

		await user.click(button('Use a tool'));
		expect(await screen.findByRole('combobox', { name: 'Tool' })).toHaveValue('calculator');
		await user.type(expression(), '347 * 829');
		await user.click(button('Run'));
		const step = await screen.findByTestId('tool-step');
		expect(step).toHaveAttribute('data-tool', 'calculator');
		expect(step).toHaveTextContent('347 * 829');
		expect(within(step).getByTestId('tool-result')).toHaveTextContent('287663');
		// The form closed; the final answer is still the text box's.
		expect(screen.queryByRole('combobox', { name: 'Tool' })).not.toBeInTheDocument();
		await user.type(
			screen.getByRole('textbox', { name: 'Your reply as the assistant' }),
			'347 × 829 = 287,663.'
		);
		const steps = [
			{
				text: '',
				calls: [{ name: 'calculator', arguments: { expression: '347 * 829' }, result: '287663' }]
			}
		];
		await waitFor(async () =>
			expect((await storage.drafts.get(draftKey('t-1')))?.value).toMatchObject({
				toolSteps: steps
			})
		);

		// A reload: a new session on the same device finds the step where it was.
		unmount();
		const again = new ContributeSession(storage, sync, () => 1_000);
		await again.init('en-GB');
		render(TaskWorkspace, { session: again, held: again.current! });
		expect(screen.getByTestId('tool-step')).toHaveTextContent('287663');
		expect(screen.getByRole('textbox', { name: 'Your reply as the assistant' })).toHaveValue(
			'347 × 829 = 287,663.'
		);

		await user.click(button('Remove step 1 (calculator)'));
		expect(screen.queryByTestId('tool-step')).not.toBeInTheDocument();
		expect(again.draft).not.toHaveProperty('toolSteps');

		// Run it again, a weekday too, and submit: the server gets both rounds with the reply.
		for (const [tool, field, value] of [
			['calculator', 'expression', '347 * 829'],
			['weekday', 'date', '2024-03-01']
		]) {
			await user.click(button('Use a tool'));
			await user.selectOptions(await screen.findByRole('combobox', { name: 'Tool' }), tool);
			await user.type(screen.getByRole('textbox', { name: field }), value);
			await user.click(button('Run'));
			await waitFor(() =>
				expect(screen.queryByRole('combobox', { name: 'Tool' })).not.toBeInTheDocument()
			);
		}
		expect(screen.getAllByTestId('tool-step').map((s) => s.getAttribute('data-tool'))).toEqual([
			'calculator',
			'weekday'
		]);
		await user.click(button('Review'));
		const summary = screen.getByRole('region', { name: 'What you are about to submit' });
		expect(within(summary).getAllByTestId('tool-step')).toHaveLength(2);
		await user.click(button('Submit'));
		await waitFor(() =>
			expect(results(server)).toEqual([
				{
					type: 'assistant_reply',
					taskId: 't-1',
					text: '347 × 829 = 287,663.',
					lang: 'en',
					toolSteps: [
						...steps,
						{
							text: '',
							calls: [{ name: 'weekday', arguments: { date: '2024-03-01' }, result: 'Friday' }]
						}
					]
				}
			])
		);
		expect(again.draft).toBeNull();
	});

	it('a call the tool refuses says why and adds no step; a started call holds review', async () => {
		const user = userEvent.setup();
		const { session } = await workspaceFor(leased(replyTask('t-1')));

		await user.click(button('Use a tool'));
		await user.type(await screen.findByRole('textbox', { name: 'expression' }), '2 +');
		await user.click(button('Run'));
		expect(await screen.findByTestId('tool-problem')).toHaveTextContent(
			'Error: calculator failed: cannot calculate "2 +"'
		);
		expect(screen.queryByTestId('tool-step')).not.toBeInTheDocument();

		await user.type(screen.getByRole('textbox', { name: 'Your reply as the assistant' }), 'Two.');
		await user.click(button('Review'));
		expect(screen.getByTestId('task-problems')).toHaveTextContent(
			'Run the tool you started, or cancel it.'
		);
		await user.click(button('Cancel'));
		expect(session.draft).not.toHaveProperty('toolCall');
		await user.click(button('Review'));
		expect(session.draft?.step).toBe('review');
	});

	it('whoever ranks or labels a reply sees the tools it used', async () => {
		const toolSteps = [
			{
				text: '',
				calls: [{ name: 'calculator' as const, arguments: { expression: '2 * 3' }, result: '6' }]
			}
		];
		const rank = rankTask('t-r');
		rank.replies[1] = { ...rank.replies[1], toolSteps };
		const label = labelTask('t-l');
		label.conversation[1] = { ...label.conversation[1], toolSteps };
		const { session, follow } = await workspaceFor(leased(rank), leased(label));

		await session.open('t-r');
		await follow();
		const ranked = screen.getAllByTestId('ranked-reply');
		expect(within(ranked[1]).getByTestId('tool-step')).toHaveTextContent('2 * 3');
		expect(within(ranked[0]).queryByTestId('tool-step')).not.toBeInTheDocument();

		await session.open('t-l');
		await follow();
		const context = within(screen.getByRole('list', { name: 'Conversation so far' }));
		const messages = context.getAllByTestId('context-message');
		expect(within(messages[1]).getByTestId('tool-result')).toHaveTextContent('6');
		expect(within(messages[0]).queryByTestId('tool-step')).not.toBeInTheDocument();
	});
});

describe('TaskWorkspace: writing a prompt', () => {
	it('offers the task’s idea, has no conversation, and warns about a too-short prompt', async () => {
		const user = userEvent.setup();
		const task = { ...promptTask('t-p'), hint: 'Something about the sea' };
		await workspaceFor(leased(task));

		expect(screen.getByText('Idea: Something about the sea')).toBeInTheDocument();
		expect(screen.queryByRole('list', { name: 'Conversation so far' })).not.toBeInTheDocument();
		expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Write a prompt');

		await user.type(screen.getByRole('textbox', { name: 'Your prompt' }), 'hi');
		await user.click(button('Review'));
		expect(screen.getByRole('status')).toHaveTextContent('This prompt is too short to be useful');
	});
});

describe('TaskWorkspace: ranking replies', () => {
	it('reorders with the keyboard into the draft, and submits the order', async () => {
		const user = userEvent.setup();
		const { session, server } = await workspaceFor(leased(rankTask('t-r')));

		const order = () =>
			screen.getAllByTestId('ranked-reply').map((li) => li.getAttribute('data-reply-id'));
		expect(order()).toEqual(['r-a', 'r-b', 'r-c']);

		screen.getAllByTestId('drag-handle')[2].focus();
		await user.keyboard('{Home}');
		expect(session.draft).toMatchObject({ kind: 'ranking', order: ['r-c', 'r-a', 'r-b'] });
		expect(order()).toEqual(['r-c', 'r-a', 'r-b']);
		expect(screen.getAllByTestId('drag-handle')[0]).toHaveFocus();

		await user.click(button('Review'));
		const summary = screen.getByRole('region', { name: 'What you are about to submit' });
		expect(
			within(summary)
				.getAllByRole('listitem')
				.map((li) => li.textContent)
		).toEqual(['Wind.', 'Gravity.', 'The Moon and the Sun pull the water.']);
		await user.click(button('Submit'));
		await waitFor(() =>
			expect(results(server)).toEqual([
				{ type: 'rank_assistant_replies', taskId: 't-r', ranking: ['r-c', 'r-a', 'r-b'] }
			])
		);
	});

	it('"none can be ranked" turns the ranking off and is what review shows', async () => {
		const user = userEvent.setup();
		const { session } = await workspaceFor(leased(rankTask('t-r')));

		await user.click(screen.getByRole('checkbox', { name: /None of these can be ranked/ }));
		expect(session.draft).toMatchObject({ notRankable: true });
		for (const handle of screen.getAllByTestId('drag-handle')) expect(handle).toBeDisabled();

		await user.click(button('Review'));
		expect(screen.getByRole('region', { name: 'What you are about to submit' })).toHaveTextContent(
			'None of these can be ranked.'
		);
	});
});

describe('TaskWorkspace: labelling a reply', () => {
	it('highlights the message labelled, lists what is missing, and submits the labels', async () => {
		const user = userEvent.setup();
		const { session, server } = await workspaceFor(leased(labelTask('t-l', 'simple')));

		const context = within(screen.getByRole('list', { name: 'Conversation so far' }));
		const messages = context.getAllByTestId('context-message');
		expect(messages.at(-1)).toHaveClass('target');
		expect(messages[0]).not.toHaveClass('target');
		expect(screen.getByTestId('label-form')).toHaveAttribute('data-form', 'simple');

		await user.click(button('Review'));
		expect(screen.getByRole('alert')).toHaveTextContent(
			'Answer “Seems to be intentionally low-quality or irrelevant”.'
		);

		const spam = screen.getByRole('group', { name: /intentionally low-quality/ });
		await user.click(within(spam).getByRole('radio', { name: 'No' }));
		await user.click(screen.getByRole('radio', { name: 'Quality: 5 of 5 (High quality)' }));
		expect(session.draft).toMatchObject({ kind: 'labels', values: { spam: 0, quality: 1 } });
		expect(screen.queryByRole('alert')).not.toBeInTheDocument();

		await user.click(button('Review'));
		const summary = screen.getByRole('region', { name: 'What you are about to submit' });
		expect(summary).toHaveTextContent(
			/low-quality or irrelevant\s*No\s*Quality\s*5 of 5 \(Low quality → High quality\)$/
		);
		// An unticked flag is a "no", not shown.
		expect(summary).not.toHaveTextContent('Wrong language');

		await user.click(button('Submit'));
		await waitFor(() =>
			expect(results(server)).toMatchObject([
				{ taskId: 't-l', form: 'simple', labels: { spam: 0, lang_mismatch: 0, quality: 1 } }
			])
		);
	});
});

describe('TaskWorkspace: handing back and skipping', () => {
	it('an untouched task is handed back at once and the next one opens', async () => {
		const user = userEvent.setup();
		const { session, server, follow } = await workspaceFor(
			leased(replyTask('t-1')),
			leased(promptTask('t-2'))
		);

		await user.click(button('Hand back'));
		await waitFor(() => expect(session.current?.id).toBe('t-2'));
		expect(session.notice).toBe('Handed back 1 task: someone else can take it now.');
		await waitFor(() => expect(applied(server)).toContain('release_task'));

		await follow();
		expect(screen.getByTestId('task-workspace')).toHaveAttribute(
			'data-task-type',
			'initial_prompt'
		);
		expect(screen.getByRole('textbox', { name: 'Your prompt' })).toHaveValue('');
	});

	it('a started task asks first: Keep working keeps it, Hand back anyway lets it go', async () => {
		const user = userEvent.setup();
		const { session, storage } = await workspaceFor(leased(replyTask('t-1')));

		await user.type(screen.getByRole('textbox', { name: 'Your reply as the assistant' }), 'Half');
		await waitFor(async () => expect(await storage.drafts.get(draftKey('t-1'))).toBeDefined());
		await user.click(button('Hand back'));

		const confirm = await screen.findByTestId('hand-back-confirm');
		expect(confirm).toHaveRole('alert');
		expect(confirm).toHaveTextContent(
			'You started this task: what you wrote or chose is lost if you hand it back.'
		);
		// The usual actions give way to the question.
		expect(screen.queryByRole('button', { name: 'Review' })).not.toBeInTheDocument();

		await user.click(button('Keep working on it'));
		expect(screen.queryByTestId('hand-back-confirm')).not.toBeInTheDocument();
		expect(screen.getByRole('textbox', { name: 'Your reply as the assistant' })).toHaveValue(
			'Half'
		);
		expect(session.current?.id).toBe('t-1');

		await user.click(button('Hand back'));
		await user.click(await screen.findByRole('button', { name: 'Hand back anyway' }));
		await waitFor(() => expect(session.tasks).toEqual([]));
		expect(session.current).toBeNull();
		expect(await storage.drafts.get(draftKey('t-1'))).toBeUndefined();
	});

	it('Skip… asks why; cancelling goes back to the task', async () => {
		const user = userEvent.setup();
		const { server, session } = await workspaceFor(leased(replyTask('t-1')));

		await user.click(button('Skip…'));
		const form = screen.getByRole('form', { name: 'Skip this task' });
		expect(
			within(form).getByRole('radio', { name: 'I don’t know enough about this' })
		).toBeChecked();
		expect(screen.queryByRole('button', { name: 'Review' })).not.toBeInTheDocument();

		await user.click(button('Keep working on it'));
		expect(screen.queryByRole('form', { name: 'Skip this task' })).not.toBeInTheDocument();
		expect(button('Review')).toBeInTheDocument();
		expect(session.current?.id).toBe('t-1');
		expect(results(server)).toEqual([]);
	});

	it('skips with a reason and a note, sent with Enter from the note field', async () => {
		const user = userEvent.setup();
		const { session, server } = await workspaceFor(leased(replyTask('t-1')));

		await user.click(button('Skip…'));
		await user.click(screen.getByRole('radio', { name: 'Too long for me right now' }));
		await user.type(
			screen.getByRole('textbox', { name: 'A note for the moderators (optional)' }),
			'  Back tomorrow  {Enter}'
		);

		await waitFor(() => expect(session.notice).toBe('Skipped and sent.'));
		await waitFor(() =>
			expect(server.applied.at(-1)?.args).toMatchObject({
				reason: 'too_long',
				note: 'Back tomorrow'
			})
		);
		expect(session.current).toBeNull();
	});

	it('says a skip made offline is kept on the device until the server can be reached', async () => {
		const user = userEvent.setup();
		const { session, server, network } = await workspaceFor(leased(replyTask('t-1')));
		network.online = false;

		await user.click(button('Skip…'));
		await user.click(screen.getByRole('radio', { name: 'Too long for me right now' }));
		await user.click(button('Skip task'));

		await waitFor(() =>
			expect(session.notice).toBe(
				'Skipped: saved on this device; it is sent when the server can be reached.'
			)
		);
		expect(server.applied.map((m) => m.name)).not.toContain('skip_task');
	});
});

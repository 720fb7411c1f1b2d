// A contributor takes tasks of every kind, goes offline, does them (a draft surviving a
// reload, a personal-data warning edited away), comes back online and syncs: the server then
// has each contribution exactly once, and the points show.
import type { APIRequestContext, Page } from '@playwright/test';
import type { RegisteredDevice } from '../../src/lib/protocol/identity';
import type { OasstTreeLineInput, OasstNodeInput } from '../../src/lib/protocol/export';
import {
	contributionsResponseSchema,
	statsResponseSchema,
	type Contribution
} from '../../src/lib/protocol/points';
import type { TaskType } from '../../src/lib/protocol/tasks';
import { importTrees } from './support/admin-cli';
import { goOffline, goOnline, outboxCount } from './support/network';
import { expect, test } from './support/fixtures';
import type { HearthServer } from './support/hearth-server';
import { waitForServiceWorkerControl } from './support/service-worker';

/**
 * Four trees that between them offer every kind of task: one growing with an unreviewed reply
 * and user reply, one growing with an assistant reply waiting for a user reply, a prompt in
 * review, and one in ranking with sibling sets of both roles. Ids carry `prefix` so the test
 * can run again against the same server.
 */
function seedTrees(prefix: string): OasstTreeLineInput[] {
	const node = (
		id: string,
		role: 'prompter' | 'assistant',
		text: string,
		reviewed = true,
		replies: OasstNodeInput[] = []
	): OasstNodeInput => ({
		message_id: `${prefix}-${id}`,
		parent_id: null,
		user_id: `${prefix}-author-${id}`,
		created_date: '2024-05-01T12:00:00Z',
		text,
		role,
		lang: 'en',
		review_count: reviewed ? 3 : 0,
		review_result: reviewed ? true : null,
		replies: replies.map((r) => ({ ...r, parent_id: `${prefix}-${id}` }))
	});
	const tree = (root: OasstNodeInput, state: string, tags: string[] = []) => ({
		message_tree_id: root.message_id,
		tree_state: state,
		tags,
		prompt: root
	});
	return [
		tree(
			node('basil', 'prompter', 'How do I keep basil alive on a windowsill?', true, [
				node('basil-a1', 'assistant', 'Water it whenever the top of the soil is dry.', false),
				node('basil-a2', 'assistant', 'Give it six hours of sun and pinch off the flowers.', true, [
					node('basil-a2-u', 'prompter', 'And what about in winter?', false)
				])
			]),
			'growing',
			['gardening']
		),
		tree(
			node('recursion', 'prompter', 'Explain recursion to a ten-year-old.', true, [
				node(
					'recursion-a',
					'assistant',
					'It is when something is made of smaller copies of itself.'
				)
			]),
			'growing',
			['programming']
		),
		tree(
			node('haiku', 'prompter', 'Write a haiku about night trains.', false),
			'initial_prompt_review'
		),
		tree(
			node('capital', 'prompter', 'What is the capital of Australia?', true, [
				node('capital-a1', 'assistant', 'Canberra.', true, [
					node('capital-a1-u1', 'prompter', 'Why not Sydney?'),
					node('capital-a1-u2', 'prompter', 'When was it founded?')
				]),
				node('capital-a2', 'assistant', 'Sydney is the largest city, but the capital is Canberra.')
			]),
			'ranking'
		)
	];
}

/** Reads a value from the app's IndexedDB (the settings or drafts table). */
function readStored<T>(page: Page, table: 'settings' | 'drafts', key: string): Promise<T | null> {
	return page.evaluate(
		([table, key]) =>
			new Promise<T | null>((resolve, reject) => {
				const open = indexedDB.open('hearth');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction(table).objectStore(table).get(key);
					get.onsuccess = () => {
						resolve((get.result?.value as T | undefined) ?? null);
						open.result.close();
					};
					get.onerror = () => reject(get.error);
				};
			}),
		[table, key] as const
	);
}

/**');
	await context.setOffline(false);
}

/** Shows only tasks of `type` and waits until one of them is open. */
async function openTaskOf(page: Page, type: TaskType): Promise<void> {
	await page.getByTestId('task-type').selectOption(type);
	await expect(page.getByTestId('task-workspace')).toHaveAttribute('data-task-type', type);
}

/** Opens Contribute under the service worker and takes new-prompt tasks for offline. */
async function holdPromptTasks(page: Page): Promise<void> {
	await page.goto('/contribute');
	await waitForServiceWorkerControl(page);
	await expect(page.getByTestId('sync-status')).toContainText('last sync');
	await page.getByTestId('task-type').selectOption('initial_prompt');
	await page.getByRole('button', { name: 'Take tasks for offline' }).click();
	await expect(page.locator('[data-testid=held-task]').first()).toBeVisible();
}

/** The device's messages with this text, as the server lists them. */
async function messagesOnServer(
	request: APIRequestContext,
	hearth: HearthServer,
	device: RegisteredDevice,
	text: string
): Promise<Contribution[]> {
	const res = await request.get(`${hearth.url}/api/me/contributions?limit=50`, {
		headers: { authorization: `Bearer ${device.token}` }
	});
	return contributionsResponseSchema
		.parse(await res.json())
		.items.filter((c) => c.kind === 'message' && c.text === text);
}

async function reviewAndSubmit(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Review' }).click();
	await expect(page.getByTestId('review-summary')).toBeVisible();
	await page.getByRole('button', { name: 'Submit' }).click();
	await expect(page.getByTestId('notice')).toContainText('Submitted');
}

async function label(page: Page, type: TaskType): Promise<void> {
	await openTaskOf(page, type);
	const form = page.getByTestId('label-form');
	await form
		.getByRole('group', { name: /intentionally low-quality/ })
		.getByLabel('No')
		.check();
	if ((await form.getAttribute('data-form')) === 'full') {
		await form.getByLabel('Expresses political views').check();
		await form.getByLabel(/^Humor: 2 of 5/).check();
	}
	await form.getByLabel(/^Quality: 4 of 5/).check();
	await reviewAndSubmit(page);
}

test('offline work of every kind syncs exactly once and earns points', async ({
	page,
	context,
	hearth,
	request
}) => {
	test.setTimeout(180_000);
	const prefix = `e2e${Date.now().toString(36)}`;
	importTrees(hearth, seedTrees(prefix));

	await page.goto('/contribute');
	await waitForServiceWorkerControl(page);
	await expect(page.getByTestId('sync-status')).toContainText('last sync');

	// Online: take tasks of each kind. New-prompt tasks never run out, so they come last and
	// fill the free slots.
	const kinds: TaskType[] = [
		'label_initial_prompt',
		'label_prompter_reply',
		'label_assistant_reply',
		'rank_prompter_replies',
		'rank_assistant_replies',
		'prompter_reply',
		'assistant_reply',
		'initial_prompt'
	];
	for (const type of kinds) {
		await page.getByTestId('task-type').selectOption(type);
		await page.getByRole('button', { name: 'Take tasks for offline' }).click();
		await expect(
			page.locator(`[data-testid=held-task][data-task-type=${type}]`).first()
		).toBeVisible();
	}

	await goOffline(context);
	await expect(page.getByText('Offline', { exact: true })).toBeVisible();

	for (const type of [
		'label_initial_prompt',
		'label_prompter_reply',
		'label_assistant_reply'
	] as const) {
		await label(page, type);
	}

	// Ranking user replies with the keyboard: focus the first card's handle, move it down.
	await openTaskOf(page, 'rank_prompter_replies');
	const promptReplies = page.getByTestId('ranked-reply');
	const firstUserReply = await promptReplies.first().getAttribute('data-reply-id');
	await promptReplies.first().getByTestId('drag-handle').focus();
	await page.keyboard.press('ArrowDown');
	await expect(promptReplies.nth(1)).toHaveAttribute('data-reply-id', firstUserReply!);
	await reviewAndSubmit(page);

	// Ranking assistant replies by dragging the second card above the first.
	await openTaskOf(page, 'rank_assistant_replies');
	const answers = page.getByTestId('ranked-reply');
	const secondAnswer = await answers.nth(1).getAttribute('data-reply-id');
	await answers.nth(1).scrollIntoViewIfNeeded();
	const from = (await answers.nth(1).getByTestId('drag-handle').boundingBox())!;
	const to = (await answers.first().boundingBox())!;
	await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
	await page.mouse.down();
	await page.mouse.move(to.x + 20, to.y + 4, { steps: 8 });
	await page.mouse.up();
	await expect(answers.first()).toHaveAttribute('data-reply-id', secondAnswer!);
	await reviewAndSubmit(page);

	// A user reply with an e-mail address in it: the review highlights it; editing it away
	// lets the reply go.
	await openTaskOf(page, 'prompter_reply');
	const editor = page.getByTestId('task-text');
	await editor.fill('Thanks! Could you mail the details to jane.doe@example.com?');
	await page.getByRole('button', { name: 'Review' }).click();
	await expect(page.getByTestId('pii-mark')).toHaveText('jane.doe@example.com');
	await expect(page.getByRole('button', { name: 'Submit' })).toBeDisabled();
	await page.getByRole('button', { name: 'Edit' }).click();
	const userReply = 'Thanks! Could you give an example with a list?';
	await editor.fill(userReply);
	await page.getByRole('button', { name: 'Review' }).click();
	await expect(page.getByTestId('pii-warning')).toHaveCount(0);
	await page.getByRole('button', { name: 'Submit' }).click();
	await expect(page.getByTestId('notice')).toContainText('Submitted');

	// An assistant reply written in two sittings: the draft survives a reload while offline.
	await openTaskOf(page, 'assistant_reply');
	const firstHalf = 'Sure! Recursion means solving a problem by solving a smaller copy of it';
	await editor.pressSequentially(firstHalf);
	const taskId = await readStored<string>(page, 'settings', 'contribute.current');
	await expect
		.poll(async () => (await readStored<{ text: string }>(page, 'drafts', `task:${taskId}`))?.text)
		.toBe(firstHalf);
	await page.reload();
	await expect(page.getByTestId('task-workspace')).toHaveAttribute(
		'data-task-type',
		'assistant_reply'
	);
	await expect(editor).toHaveValue(firstHalf);
	const assistantReply = `${firstHalf}, until the copy is so small that the answer is obvious.`;
	await editor.fill(assistantReply);
	await reviewAndSubmit(page);

	await openTaskOf(page, 'initial_prompt');
	const prompt =
		'What are three easy houseplants for a dark flat, and how often should I water them?';
	await editor.fill(prompt);
	await reviewAndSubmit(page);

	await expect(page.getByTestId('pending-count')).toHaveText('8 waiting to sync');

	await goOnline(context);
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expect(page.getByTestId('pending-count')).toHaveText('Everything is synced');

	// The server, asked as this device: each contribution exactly once.
	const device = (await readStored<RegisteredDevice>(page, 'settings', 'sync.device'))!;
	const headers = { authorization: `Bearer ${device.token}` };
	const contributions = contributionsResponseSchema.parse(
		await (await request.get(`${hearth.url}/api/me/contributions?limit=200`, { headers })).json()
	).items;
	const messages = contributions.filter(
		(c): c is Extract<Contribution, { kind: 'message' }> => c.kind === 'message'
	);
	expect(messages.map((m) => [m.type, m.text]).sort()).toEqual(
		[
			['assistant_reply', assistantReply],
			['initial_prompt', prompt],
			['prompter_reply', userReply]
		].sort()
	);
	const reviews = contributions.filter((c) => c.kind === 'review');
	expect(reviews.map((r) => r.messageId).sort()).toEqual(
		[`${prefix}-haiku`, `${prefix}-basil-a2-u`, `${prefix}-basil-a1`].sort()
	);
	const rankings = contributions.filter((c) => c.kind === 'ranking');
	expect(rankings.map((r) => r.parentId).sort()).toEqual(
		[`${prefix}-capital`, `${prefix}-capital-a1`].sort()
	);
	expect(contributions).toHaveLength(8);

	// The points show: the status line has the server's total.
	const stats = statsResponseSchema.parse(
		await (await request.get(`${hearth.url}/api/me/stats`, { headers })).json()
	);
	// Assistant reply 4, user reply 1, prompt 0.1, two rankings 1 each, labels 1 or 2 each.
	expect(stats.points.total).toBeGreaterThanOrEqual(4 + 1 + 0.1 + 2 + 3);
	const total = Number.isInteger(stats.points.total)
		? String(stats.points.total)
		: stats.points.total.toFixed(1);
	await expect(page.getByTestId('points')).toContainText(`${total} points`);

	await page.getByRole('link', { name: 'My contributions' }).click();
	await expect(page.getByTestId('points-total')).toHaveText(total);
	const reply = page.getByTestId('contribution').filter({ hasText: assistantReply });
	await expect(reply).toContainText('+4 points');
	await expect(reply).toContainText('In review');
});

test('work done offline syncs from the Chat page, exactly once, without Contribute being opened again', async ({
	page,
	context,
	hearth,
	request
}) => {
	test.setTimeout(120_000);
	await holdPromptTasks(page);

	await goOffline(context);
	await openTaskOf(page, 'initial_prompt');
	const prompt = `How do I repot a cactus without getting pricked? (${Date.now().toString(36)})`;
	await page.getByTestId('task-text').fill(prompt);
	await reviewAndSubmit(page);
	await expect(page.getByTestId('pending-count')).toHaveText('1 waiting to sync');

	// Off to chat, still offline; the network comes back while only the Chat page is open.
	await page.getByRole('link', { name: 'Chat' }).first().click();
	await expect(page).toHaveURL(/\/$/);
	await goOnline(context);

	const device = (await readStored<RegisteredDevice>(page, 'settings', 'sync.device'))!;
	const mine = () => messagesOnServer(request, hearth, device, prompt);
	await expect.poll(async () => (await mine()).length, { timeout: 30_000 }).toBe(1);
	await expect.poll(() => outboxCount(page)).toBe(0);
	// A second look later still finds it once: the outbox entry was acknowledged, not resent.
	await page.reload();
	expect(await mine()).toHaveLength(1);
});

test('with no Hearth page open, the service worker sends work queued offline once the network returns (Background Sync)', async ({
	page,
	context,
	hearth,
	request
}) => {
	test.setTimeout(120_000);
	await holdPromptTasks(page);
	const device = (await readStored<RegisteredDevice>(page, 'settings', 'sync.device'))!;
	// A tab on the server that runs none of the app, to reach the service worker through.
	const bystander = await context.newPage();
	await bystander.goto(`${hearth.url}/api/health`);

	await goOffline(context);
	await openTaskOf(page, 'initial_prompt');
	const prompt = `Which houseplants survive a dark hallway? (${Date.now().toString(36)})`;
	await page.getByTestId('task-text').fill(prompt);
	await reviewAndSubmit(page);
	await expect(page.getByTestId('pending-count')).toHaveText('1 waiting to sync');
	await page.close();
	await goOnline(context);

	// The browser fires the outbox's sync when it sees the network again (without the worker's
	// handler this test fails); DevTools fires it too, in case the browser waits longer.
	const cdp = await context.newCDPSession(bystander);
	const registration = new Promise<string>((resolve) =>
		cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
			const ours = registrations.find((r) => r.scopeURL.startsWith(hearth.url) && !r.isDeleted);
			if (ours) resolve(ours.registrationId);
		})
	);
	await cdp.send('ServiceWorker.enable');
	await cdp.send('ServiceWorker.dispatchSyncEvent', {
		origin: new URL(hearth.url).origin,
		registrationId: await registration,
		tag: 'hearth-outbox',
		lastChance: false
	});

	const mine = () => messagesOnServer(request, hearth, device, prompt);
	await expect.poll(async () => (await mine()).length, { timeout: 30_000 }).toBe(1);
	// The app, opened again, finds its outbox empty and sends nothing twice.
	const back = await context.newPage();
	await back.goto('/contribute');
	await expect(back.getByTestId('sync-status')).toContainText('last sync');
	expect(await outboxCount(back)).toBe(0);
	expect(await mine()).toHaveLength(1);
});

test.describe('on a phone', () => {
	test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

	test('“Start a task” takes one task and brings it into view, below the fold', async ({
		page,
		hearth
	}) => {
		importTrees(hearth, seedTrees(`e2e${Date.now().toString(36)}`));
		await page.goto('/contribute');
		await expect(page.getByTestId('sync-status')).toContainText('last sync');
		await page.getByTestId('task-type').selectOption('initial_prompt');
		await page.getByRole('button', { name: 'Start a task' }).tap();

		const workspace = page.getByRole('region', { name: 'The open task' });
		await expect(workspace.getByTestId('task-workspace')).toHaveAttribute(
			'data-task-type',
			'initial_prompt'
		);
		await expect(page.getByTestId('held-count')).toHaveText('1 on this device, 1 matching');
		await expect(workspace).toBeFocused();
		await expect(workspace.getByRole('heading', { level: 2 })).toBeInViewport();
	});
});

test('a device full of one kind hands tasks back to take another, with plain guidance', async ({
	page,
	hearth,
	request
}) => {
	test.setTimeout(120_000);
	importTrees(hearth, seedTrees(`e2e${Date.now().toString(36)}`));
	await page.goto('/contribute');
	await expect(page.getByTestId('sync-status')).toContainText('last sync');
	const take = page.getByRole('button', { name: 'Take tasks for offline' });
	const heldOf = (type: TaskType) =>
		page.locator(`[data-testid=held-task][data-task-type=${type}]`);

	// The first take fills the device with new prompts.
	await page.getByTestId('task-type').selectOption('initial_prompt');
	await take.click();
	await expect(page.getByTestId('notice')).toHaveText(
		'Took 20 tasks: they stay on this device for offline work.'
	);
	await expect(page.getByTestId('held-count')).toHaveText('20 on this device, 20 matching');

	// Another kind: plain guidance, no stale success next to it, no server wording.
	await page.getByTestId('task-type').selectOption('rank_assistant_replies');
	await take.click();
	const error = page.getByTestId('contribute-error');
	await expect(error).toContainText('This device already holds 20 tasks, as many as it may.');
	await expect(page.getByTestId('notice')).toHaveCount(0);
	await expect(page.getByText(/open tasks on this device/)).toHaveCount(0);

	// The way out: hand back the unstarted prompts and take the kind asked for.
	await page
		.getByTestId('make-room')
		.filter({ hasText: 'Hand back the 20 unstarted tasks of other kinds' })
		.click();
	await expect(page.getByTestId('notice')).toHaveText(/^Took \d+ tasks?: /);
	await expect(error).toHaveCount(0);
	await expect(heldOf('rank_assistant_replies').first()).toBeVisible();
	await page.getByTestId('task-type').selectOption('random');
	await expect(heldOf('initial_prompt')).toHaveCount(0);

	// One task back, from its workspace, no reason asked.
	const ranking = await heldOf('rank_assistant_replies').count();
	await heldOf('rank_assistant_replies').first().click();
	await page.getByRole('button', { name: 'Hand back', exact: true }).click();
	await expect(page.getByTestId('notice')).toHaveText(
		'Handed back 1 task: someone else can take it now.'
	);
	await expect(heldOf('rank_assistant_replies')).toHaveCount(ranking - 1);

	// A prompt too short to be useful is pointed out in the review step.
	await page.getByTestId('task-type').selectOption('initial_prompt');
	await take.click();
	await expect(page.getByTestId('notice')).toHaveText(/^Took \d+ tasks?: /);
	await page.getByTestId('task-text').fill('hi');
	await page.getByRole('button', { name: 'Review' }).click();
	await expect(page.getByTestId('review-warnings')).toContainText('too short to be useful');

	// Everything back at once; the started prompt is only handed back after a yes.
	await page.getByTestId('task-type').selectOption('random');
	await page.getByTestId('hand-back-all').click();
	await expect(page.getByTestId('hand-back-confirm')).toContainText('1 of these');
	await page.getByRole('button', { name: 'Hand back anyway' }).click();
	await expect(page.getByTestId('held-count')).toHaveText('0 on this device');
	await expect(page.getByTestId('pending-count')).toHaveText('Everything is synced');

	// The server agrees: this device holds nothing.
	const device = (await readStored<RegisteredDevice>(page, 'settings', 'sync.device'))!;
	const pulled = await request.post(`${hearth.url}/api/sync/pull`, {
		headers: { authorization: `Bearer ${device.token}` },
		data: { clientId: device.clientId, cursor: null }
	});
	expect(((await pulled.json()) as { leases: unknown[] }).leases).toEqual([]);
});

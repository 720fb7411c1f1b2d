// What a newcomer meets on a first visit, without a trained model: the demo model saying what it
// can do (from a registry whose manifest lists its skills), icons that render without an emoji
// font, titles that follow an edit, regenerations that explain themselves, the Models page
// telling the truth about the device picked, and Settings showing the account an admin needs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { e2eBuilds } from './support/builds';
import { messages, replies } from './support/chat-page';
import { test as base, expect } from './support/fixtures';
import { startHearthServer } from './support/hearth-server';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const skills = [
	{ name: 'addition', example: 'What is 23 + 45?', exact_match: 1 },
	{ name: 'capitals', example: 'What is the capital of France?', exact_match: 1 },
	{ name: 'small-talk', example: 'Hello!', exact_match: 1 },
	{ name: 'weekday', example: 'What day of the week is 3 days after Monday?', exact_match: 0.7 }
];

/** A registry that lists the demo model and its skills; its files are not there. */
function demoManifestRegistry(): string {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-skills-'));
	mkdirSync(join(dir, 'hearth-demo', 'versions'), { recursive: true });
	const file = (path: string) => ({ path, sha256: 'a'.repeat(64), size: 10 });
	writeFileSync(
		join(dir, 'hearth-demo', 'versions', '1.json'),
		JSON.stringify({
			schema: 1,
			model: 'hearth-demo',
			version: 1,
			parent: null,
			created_at: '2026-01-01T00:00:00.000Z',
			data_digest: 'b'.repeat(64),
			files: [file('config.json'), file('onnx/model_q4.onnx')],
			evaluation: {},
			skills
		})
	);
	writeFileSync(
		join(dir, 'hearth-demo', 'index.json'),
		JSON.stringify({ model: 'hearth-demo', latest: 1, versions: [1] })
	);
	return dir;
}

const test = base.extend<object, { registryDir: string }>({
	registryDir: [
		// eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
		async ({}, use) => {
			const dir = demoManifestRegistry();
			await use(dir);
			rmSync(dir, { recursive: true, force: true });
		},
		{ scope: 'worker' }
	],
	hearth: [
		async ({ registryDir }, use) => {
			const server = await startHearthServer(e2eBuilds().current.dir, {
				registryDir,
				env: { HEARTH_ADMIN_TOKEN: ADMIN_TOKEN }
			});
			await use(server);
			await server.stop();
		},
		{ scope: 'worker' }
	]
});

test.beforeEach(async ({ context }) => {
	// Third-party model hosts are out of reach here, as on many networks.
	await context.route('https://huggingface.co/**', (route) => route.abort('namenotresolved'));
});

interface StoredReply {
	id: string;
	content: string;
	createdAt: number;
}

/** A conversation as the device stores it: one question and its replies as siblings. */
async function storeConversation(
	page: Page,
	conversation: { title: string; question: string; replies: StoredReply[]; temperature?: number }
): Promise<void> {
	await page.goto('/');
	await expect(page.getByTestId('new-conversation')).toBeVisible();
	await page.evaluate(async ({ title, question, replies, temperature }) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('hearth');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const tx = db.transaction(['conversations', 'messages', 'settings'], 'readwrite');
		const now = Date.now();
		tx.objectStore('conversations').put({
			id: 'c-1',
			title,
			createdAt: now,
			updatedAt: now,
			currentLeafId: replies.at(-1)!.id,
			...(temperature === undefined ? {} : { sampling: { temperature } })
		});
		const base = { conversationId: 'c-1', model: 'hearth-demo', stats: null };
		tx.objectStore('messages').put({
			...base,
			id: 'q',
			parentId: null,
			role: 'user',
			content: question,
			createdAt: now
		});
		for (const reply of replies)
			tx.objectStore('messages').put({
				...base,
				...reply,
				parentId: 'q',
				role: 'assistant',
				createdAt: now + reply.createdAt,
				finishReason: 'stop'
			});
		tx.objectStore('settings').put({ key: 'chat.activeConversation', value: 'c-1' });
		await new Promise((resolve) => (tx.oncomplete = resolve));
		db.close();
	}, conversation);
	await page.reload();
}

test('the demo model says plainly what it is and offers the questions it was trained on', async ({
	page
}) => {
	await page.goto('/');
	const intro = page.getByTestId('demo-intro');
	await expect(intro).toContainText('Hearth demo (q4) is a tiny demonstration model');
	await expect(intro).toContainText(
		'It was trained for addition, capital cities, small talk and weekdays.'
	);
	await expect(page.getByTestId('thread')).not.toContainText('Ask anything');
	await expect(page.getByTestId('composer')).toHaveAttribute(
		'placeholder',
		'Ask the demo model a question'
	);
	// Best answered first; a greeting shows nothing, so small talk is no starter.
	await expect(page.getByTestId('starter-prompt')).toHaveText([
		'What is 23 + 45?',
		'What is the capital of France?',
		'What day of the week is 3 days after Monday?'
	]);

	await page.getByTestId('starter-prompt').nth(1).click();
	await expect(messages(page).first()).toHaveAttribute('data-role', 'user');
	await expect(messages(page).first().getByTestId('message-content')).toHaveText(
		'What is the capital of France?'
	);
	await expect(page.getByRole('heading', { level: 2 })).toHaveText(
		'What is the capital of France?'
	);
});

test('thumbs, rename and delete are drawn icons, not emoji that need an emoji font', async ({
	page
}) => {
	await storeConversation(page, {
		title: 'Numbers',
		question: 'What is 2 plus 3?',
		replies: [{ id: 'a', content: '2 + 3 = 5.', createdAt: 1 }]
	});
	const buttons = [
		replies(page).first().getByRole('button', { name: 'Good reply' }),
		replies(page).first().getByRole('button', { name: 'Bad reply' }),
		page.getByRole('button', { name: 'Rename Numbers' }),
		page.getByRole('button', { name: 'Delete Numbers' })
	];
	for (const button of buttons) {
		await expect(button.locator('svg path')).toHaveCount(1);
		expect((await button.textContent())?.trim()).toBe('');
		const box = await button.locator('svg').boundingBox();
		expect(box?.width).toBeGreaterThan(8);
	}
	await buttons[0].click();
	await expect(buttons[0]).toHaveAttribute('aria-pressed', 'true');
});

test('editing the first message retitles the conversation', async ({ page }) => {
	await storeConversation(page, {
		title: 'What is 2 plus 3?',
		question: 'What is 2 plus 3?',
		replies: [{ id: 'a', content: '2 + 3 = 5.', createdAt: 1 }]
	});
	await expect(page.getByRole('heading', { level: 2 })).toHaveText('What is 2 plus 3?');
	const question = messages(page).first();
	await question.getByRole('button', { name: 'Edit' }).click();
	await question.getByLabel('Edit your message').fill('What is 4 plus 4?');
	await question.getByRole('button', { name: 'Save and send' }).click();
	await expect(page.getByRole('heading', { level: 2 })).toHaveText('What is 4 plus 4?');
	await expect(page.getByTestId('conversation-item').first()).toContainText('What is 4 plus 4?');
});

test('a regenerated reply that repeats an earlier one at temperature 0 says why', async ({
	page
}) => {
	await storeConversation(page, {
		title: 'Numbers',
		question: 'What is 2 plus 3?',
		temperature: 0,
		replies: [
			{ id: 'a', content: '2 + 3 = 5.', createdAt: 1 },
			{ id: 'b', content: '2 + 3 = 5.', createdAt: 2 }
		]
	});
	const reply = replies(page).first();
	await expect(reply.getByTestId('sibling-switcher')).toContainText('2/2');
	await expect(reply.getByTestId('same-reply')).toContainText(
		'Same reply as version 1. At temperature 0 the model gives the same reply every time'
	);
	await reply.getByRole('button', { name: 'Open chat settings' }).click();
	await expect(page.getByTestId('conversation-settings').getByLabel('Temperature')).toHaveValue(
		'0'
	);
	await reply
		.getByTestId('sibling-switcher')
		.getByRole('button', { name: 'Previous version' })
		.click();
	await expect(reply.getByTestId('same-reply')).toHaveCount(0);
});

test('the Models page says where ONNX models run when the user picks the GPU or the CPU', async ({
	page
}) => {
	await page.goto('/models');
	const fit = page
		.locator('[data-testid="model-card"][data-model-id="hearth-demo"]')
		.getByTestId('model-fit');
	await expect(fit).toContainText('runs on the CPU with WebAssembly');
	await page.getByTestId('device-override').selectOption('webgpu');
	await expect(fit).toContainText('runs on the GPU with ONNX Runtime (WebGPU), as you chose');
	await expect(fit).not.toContainText('CPU');
	await expect(page.getByTestId('model-choice-reason')).toContainText(
		'It runs on the GPU with ONNX Runtime (WebGPU), as you chose'
	);
	await page.getByTestId('device-override').selectOption('wasm');
	await expect(fit).toContainText('runs on the CPU with WebAssembly, as you chose');

	// What the choice rests on is there for whoever opens it, and out of the way until then.
	const details = page.getByTestId('device-details');
	await expect(details.getByText('WebAssembly threads')).toBeHidden();
	await details.getByText('What this device offers').click();
	await expect(details).toContainText('software renderer');
	await expect(details).toContainText('WebAssembly threads: yes');
});

test('a model whose download failed before storing anything is not "partly downloaded"', async ({
	page
}) => {
	await page.goto('/models');
	const card = page.locator(
		'[data-testid="model-card"][data-model-id="qwen2.5-0.5b-instruct-onnx-q4"]'
	);
	await card.getByTestId('download').click();
	await expect(card.getByTestId('model-error')).toContainText('Could not reach huggingface.co');
	await expect(card.getByTestId('model-state')).toHaveText('Not downloaded');
	await expect(card.getByTestId('download')).toHaveText('Download');
	await page.reload();
	await expect(card.getByTestId('model-state')).toHaveText('Not downloaded');
});

test('Settings shows a readable version, the user id to copy, and lets the operator claim admin', async ({
	page,
	context,
	hearth
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hearth.url });
	await page.goto('/settings');
	// `npm test` reuses its own build, whose id is the build time: shown as a date, never as the
	// raw milliseconds. The e2e setup's own builds are named, and shown by name.
	const { id } = e2eBuilds().current;
	const version = page.getByTestId('app-version-text');
	if (/^\d{13}$/.test(id)) {
		await expect(version).toHaveText(/^Hearth 0\.1\.0, built .+ at .+$/);
		await expect(version).not.toContainText(id);
	} else await expect(version).toHaveText(`Hearth 0.1.0, build ${id}`);

	await page.getByTestId('create-account').click();
	const userId = page.getByTestId('user-id');
	await expect(userId).toHaveText(/^[0-9a-f-]{36}$/);
	await expect(page.getByTestId('user-role')).toHaveText('contributor');
	await page.getByTestId('copy-user-id').click();
	await expect(page.getByTestId('copy-user-id')).toHaveText('Copied');
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
		await userId.textContent()
	);

	await page.getByText('Claim the admin role').click();
	const claim = page.getByTestId('claim-admin');
	await claim.getByLabel('Admin token').fill('not-the-admin-token');
	await claim.getByRole('button', { name: 'Claim admin role' }).click();
	await expect(claim.getByRole('alert')).toHaveText(
		'The server refused: the admin token is wrong.'
	);
	await claim.getByLabel('Admin token').fill(ADMIN_TOKEN);
	await claim.getByRole('button', { name: 'Claim admin role' }).click();
	await expect(page.getByTestId('user-role')).toHaveText('admin');

	// Another contributor sends their id; the admin makes them a moderator.
	const other = await (await page.request.post('/api/devices', { data: {} })).json();
	const form = page.getByTestId('set-role');
	await form.getByLabel('User id').fill(other.userId);
	await form.getByLabel('Role').selectOption('moderator');
	await form.getByRole('button', { name: 'Set role' }).click();
	await expect(form.getByRole('status')).toHaveText(`${other.userId} is now a moderator.`);
	const me = await page.request.get('/api/me', {
		headers: { authorization: `Bearer ${other.token}` }
	});
	expect((await me.json()).role).toBe('moderator');
});

// The Models page against our real registry: downloads with progress that resume where they
// stopped, integrity checks that refuse a tampered file, updates that fetch only what changed,
// and failures (unreachable host, bad manifest, full disk) that read as sentences while the
// app keeps working.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { e2eBuilds } from './support/builds';
import {
	chooseModel,
	greedy,
	send,
	setSettings,
	storedMessages,
	waitForReplies
} from './support/chat-page';
import { expect, test } from './support/demo-fixtures';
import { touchConfig } from './support/demo-registry';
import { startHearthServer } from './support/hearth-server';

test.describe.configure({ timeout: 120_000 });

const demoCard = (page: Page) =>
	page.locator('[data-testid="model-card"][data-model-id="hearth-demo"]');
const blobRequests = (page: Page) => {
	const urls: string[] = [];
	page.on('request', (request) => {
		if (request.url().includes('/registry/blobs/')) urls.push(request.url());
	});
	return urls;
};

test('a download shows its progress and resumes at the first missing file after the network drops', async ({
	page,
	context
}) => {
	await page.goto('/models');
	const card = demoCard(page);
	let served = 0;
	// Slow enough to watch, and the connection drops after three files.
	await context.route('**/registry/blobs/**', async (route) => {
		if (++served > 3) return route.abort('internetdisconnected');
		await new Promise((resolve) => setTimeout(resolve, 400));
		await route.continue();
	});
	await card.getByTestId('download').click();
	await expect(card.getByTestId('download-progress')).toBeVisible();
	await expect(card.getByTestId('download-bytes')).toContainText(' of ');
	await expect(card.getByTestId('model-error')).toContainText('Could not reach');
	await expect(card.getByTestId('model-state')).toContainText('Partly downloaded');

	await context.unroute('**/registry/blobs/**');
	const fetched = blobRequests(page);
	await page.reload();
	await expect(card.getByTestId('download')).toHaveText('Resume download');
	await card.getByTestId('download').click();
	await expect(card.getByTestId('model-state')).toContainText('Downloaded (version 1)');
	const total = await page.evaluate(
		async () => (await (await caches.open('hearth-models')).keys()).length
	);
	expect(fetched.length).toBe(total - 3);
});

test('a tampered file is discarded and fetched again; one that stays tampered is refused', async ({
	page,
	context
}) => {
	await page.goto('/models');
	const card = demoCard(page);
	let tampered = 0;
	let always = false;
	let target: string | null = null;
	await context.route('**/registry/blobs/**', async (route) => {
		// The first weight file that comes by is the one the attacker changes.
		target ??= route.request().url();
		if (route.request().url() !== target || (tampered > 0 && !always)) return route.continue();
		tampered++;
		const response = await route.fetch();
		const body = await response.body();
		body[0] ^= 0xff;
		await route.fulfill({ response, body });
	});

	await card.getByTestId('download').click();
	// The button leaves as the download starts, so a failure below is a slow download, not a lost click.
	await expect(card.getByTestId('download')).toBeHidden();
	// The first visit's service worker precaches the app from the same server meanwhile.
	await expect(card.getByTestId('model-state')).toContainText('Downloaded (version 1)', {
		timeout: 30_000
	});
	expect(tampered).toBe(1);
	await expect(card.getByTestId('model-error')).toHaveCount(0);

	page.once('dialog', (dialog) => dialog.accept());
	await card.getByRole('button', { name: 'Delete' }).click();
	await expect(card.getByTestId('model-state')).toContainText('Not downloaded');

	always = true;
	tampered = 0;
	await card.getByTestId('download').click();
	await expect(card.getByTestId('model-error')).toContainText('arrived corrupted twice');
	await expect(card.getByTestId('model-error')).toContainText('discarded and not used');
	expect(tampered).toBe(2);
	const held = await page.evaluate(
		async (url) => Boolean(await (await caches.open('hearth-models')).match(url!)),
		target
	);
	expect(held).toBe(false);
	// The rest of the app carries on.
	await page.getByRole('link', { name: 'Chat' }).click();
	await expect(page.getByRole('heading', { name: 'Chat', level: 1 })).toBeVisible();
});

test('an unreachable model host is explained, and chat falls back to the model that last worked', async ({
	page,
	context,
	demo
}) => {
	await context.route('https://huggingface.co/**', (route) => route.abort('namenotresolved'));
	// The demo model answers once: it is the model that last worked.
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, demo.greedy[0].prompt);
	await waitForReplies(page, 1);

	await page.goto('/models');
	const card = page.locator(
		'[data-testid="model-card"][data-model-id="qwen2.5-0.5b-instruct-onnx-q4"]'
	);
	await card.getByTestId('download').click();
	await expect(card.getByTestId('model-error')).toContainText('Could not reach huggingface.co');
	await expect(card.getByTestId('download')).toBeEnabled();
	// Nothing arrived, so there is nothing to resume.
	await expect(card.getByTestId('model-state')).toHaveText('Not downloaded');
	await expect(card.getByTestId('download')).toHaveText('Download');

	// Picked anyway, it fails again; the same message is answered by the demo model instead.
	await chooseModel(page, 'qwen2.5-0.5b-instruct-onnx-q4', 'wasm');
	await page.goto('/');
	await page.getByTestId('new-conversation').click();
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, demo.greedy[1].prompt);
	await waitForReplies(page, 1);
	await expect(page.getByTestId('reply-error')).toHaveCount(0);
	const replies = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	expect(replies.at(-1)?.content).toBe(demo.greedy[1].output);
	await expect(page.getByTestId('model-fallback')).toContainText(
		'Qwen2.5 0.5B Instruct (ONNX q4) could not be loaded: Could not reach huggingface.co'
	);
	await expect(page.getByTestId('model-fallback')).toContainText(
		'Hearth demo (q4), the model that last worked here, answers instead'
	);
	await expect(page.getByTestId('model-bar')).toContainText('Hearth demo (q4)');
	await expect(page.getByTestId('composer')).toBeEditable();
});

test('a manifest that fails validation is reported by field', async ({ page, context }) => {
	await context.route('**/registry/hearth-demo/versions/1.json', async (route) => {
		const response = await route.fetch();
		const manifest = await response.json();
		manifest.files[0].sha256 = 'not-a-digest';
		await route.fulfill({ response, json: manifest });
	});
	await page.goto('/models');
	const card = demoCard(page);
	await card.getByTestId('download').click();
	await expect(card.getByTestId('model-error')).toContainText(
		'manifest of hearth-demo version 1 is invalid'
	);
	await expect(card.getByTestId('model-error')).toContainText(
		'files[0].sha256: must be 64 lower-case hex digits'
	);
	await expect(card.getByTestId('model-state')).toContainText('Not downloaded');
});

test('a full disk becomes a readable message', async ({ page, context, hearth }) => {
	const cdp = await context.newCDPSession(page);
	await page.goto('/models');
	// Room for the app's own small writes, not for the model's files.
	const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
	await cdp.send('Storage.overrideQuotaForOrigin', {
		origin: new URL(hearth.url).origin,
		quotaSize: usage + 100_000
	});
	const card = demoCard(page);
	await card.getByTestId('download').click();
	await expect(card.getByTestId('model-error')).toContainText(
		'Not enough storage space for this model'
	);
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
});

test('a new version is offered on any page, fetches only what changed and records itself on replies; one that will not start leaves chat on the old', async ({
	browser,
	demo
}) => {
	const registry = demo.copy();
	const server = await startHearthServer(e2eBuilds().current.dir, { registryDir: registry });
	const context = await browser.newContext({ baseURL: server.url });
	try {
		const page = await context.newPage();
		await chooseModel(page, 'hearth-demo', 'wasm');
		const card = demoCard(page);
		await card.getByTestId('download').click();
		await expect(card.getByTestId('model-state')).toContainText('Downloaded (version 1)');

		// Published while the app is closed; the user opens the chat, not the Models page.
		demo.publishChanged(registry, touchConfig);
		await page.goto('/');
		const offer = page.getByTestId('model-update-offer');
		await expect(offer.getByTestId('offer-text')).toHaveText(
			/^Hearth demo \(q4\) v2 — answers \d+ % of the held-out questions \(v1: \d+ %\) — \d+ B to download$/
		);
		const fetched = blobRequests(page);
		await offer.getByTestId('offer-update').click();
		await expect(offer).toHaveCount(0);
		expect(fetched).toHaveLength(1);

		await setSettings(page, greedy(demo.maxNewTokens));
		await send(page, demo.greedy[0].prompt);
		await waitForReplies(page, 1);
		const [reply] = (await storedMessages(page)).filter((m) => m.role === 'assistant');
		expect(reply.content).toBe(demo.greedy[0].output);
		expect(reply).toMatchObject({ model: 'hearth-demo', modelVersion: 2 });

		// Version 3's graph is broken, yet its blobs match its manifest: only loading it tells.
		demo.publishChanged(registry, (dir) =>
			writeFileSync(join(dir, 'onnx/model_q4.onnx'), 'not an ONNX graph')
		);
		await page.reload();
		await offer.getByTestId('offer-update').click();
		await expect(offer.getByRole('alert')).toHaveText(
			/^Version 3 of Hearth demo \(q4\) could not be started \(.+\), so it was not switched to; chat stays on version 2\.$/
		);
		await send(page, demo.greedy[0].prompt);
		await waitForReplies(page, 2);
		const replies = (await storedMessages(page)).filter((m) => m.role === 'assistant');
		// A second turn of the same conversation: its words differ, its model does not.
		expect(replies[1]).toMatchObject({ model: 'hearth-demo', modelVersion: 2 });
		expect(replies[1].error).toBeUndefined();
		expect(replies[1].content.length).toBeGreaterThan(0);

		await page.goto('/models');
		await card.getByTestId('model-versions').click();
		await expect(card.getByTestId('model-version')).toHaveCount(2);
		await expect(card.locator('[data-version="2"]')).toContainText('(on this device)');
		await expect(card.getByTestId('model-state')).toContainText('Downloaded (version 2)');
	} finally {
		await context.close();
		await server.stop();
		rmSync(registry, { recursive: true, force: true });
	}
});

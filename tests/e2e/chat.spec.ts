// Chatting with the demo model as a person would: pick it, talk, stop, regenerate, edit,
// reload, go offline. The model is the one the pipeline's ci run trained and evaluated; its
// greedy replies in the browser must be the ones the pipeline's own evaluation recorded.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import {
	chooseModel,
	greedy,
	messages,
	replies,
	send,
	setSettings,
	storedMessages,
	waitForReplies,
	type DeviceChoice
} from './support/chat-page';
import { expect, test } from './support/demo-fixtures';

test.describe.configure({ timeout: 180_000 });

/** A new conversation with the demo model on the CPU, and its first reply. */
async function askOnTheCpu(page: Page, question: string): Promise<void> {
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
	await send(page, question);
	await waitForReplies(page, 1);
}

for (const device of ['wasm', 'webgpu'] as DeviceChoice[]) {
	test(`greedy replies on ${device === 'wasm' ? 'WebAssembly' : 'WebGPU'} equal the pipeline's own evaluation`, async ({
		page,
		demo
	}) => {
		// Long main-thread tasks while replies stream: reported as a figure, never asserted.
		await page.addInitScript(() => {
			const w = window as { __longTasks?: number[] };
			w.__longTasks = [];
			new PerformanceObserver((list) => {
				for (const entry of list.getEntries()) w.__longTasks!.push(entry.duration);
			}).observe({ type: 'longtask', buffered: true });
		});
		await chooseModel(page, 'hearth-demo', device);
		await page.goto('/');
		// Each seed prompt in a conversation of its own, as the evaluation asked it; prompts whose
		// reply the model ended itself, so that each must end the same way here.
		const seeds = demo.greedy.filter((g) => g.stopped).slice(0, 3);
		for (const [i, { prompt }] of seeds.entries()) {
			await page.getByTestId('new-conversation').click();
			await setSettings(page, greedy(demo.maxNewTokens));
			// Counted from the second reply on: the first also downloads and loads the model.
			if (i === 1)
				await page.evaluate(() => ((window as { __longTasks?: number[] }).__longTasks!.length = 0));
			await send(page, prompt);
			await waitForReplies(page, 1);
		}
		const longest = await page.evaluate(() =>
			Math.max(0, ...(window as { __longTasks?: number[] }).__longTasks!)
		);
		test.info().annotations.push({
			type: 'longest main-thread task while streaming',
			description: `${Math.round(longest)} ms (0 = none over 50 ms)`
		});
		const stored = (await storedMessages(page)).filter((m) => m.role === 'assistant');
		expect(stored.map((m) => m.content)).toEqual(seeds.map((s) => s.output));
		expect(stored.every((m) => m.finishReason === 'stop')).toBe(true);
		await expect(replies(page).last().getByTestId('reply-stats')).toContainText('tokens/s');
		await expect(page.getByTestId('model-bar')).toContainText(
			device === 'wasm' ? 'ready on the CPU' : 'ready on the GPU'
		);
	});
}

test("a newcomer's first message is answered by the model this server serves, with no pick made", async ({
	page,
	demo
}) => {
	const { prompt, output } = demo.greedy[0];
	await page.goto('/models');
	await expect(page.getByTestId('model-choice-reason')).toContainText(
		'Hearth demo (q4), served by this Hearth server'
	);
	await page.goto('/');
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, prompt);
	await waitForReplies(page, 1);
	const [stored] = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	expect(stored.content).toBe(output);
	await expect(page.getByTestId('model-bar')).toContainText('Hearth demo (q4)');
	// The reply names the version that wrote it, as stored and as shown.
	expect(stored.modelVersion).toBeGreaterThanOrEqual(1);
	await expect(replies(page).first().getByTestId('reply-model')).toHaveText(
		`Hearth demo (q4) v${stored.modelVersion}`
	);
});

test('a newcomer is told what the demo model was trained for, and a starter prompt is answered', async ({
	page,
	demo
}) => {
	await page.goto('/');
	const intro = page.getByTestId('demo-intro');
	await expect(intro).toContainText('is a tiny demonstration model');
	await expect(intro).toContainText('It was trained for addition');
	const starter = page.getByTestId('starter-prompt').first();
	const question = (await starter.textContent())!.trim();
	await setSettings(page, greedy(demo.maxNewTokens));
	await starter.click();
	await waitForReplies(page, 1);
	await expect(messages(page).first().getByTestId('message-content')).toHaveText(question);
	const [reply] = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	expect(reply.finishReason).toBe('stop');
	expect(reply.content).not.toBe('');
});

test('Stop ends the reply where it is and keeps what was written', async ({ page }) => {
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
	// Near-uniform sampling seldom picks the end-of-turn token, so replies tend to run long;
	// when one still ends before Stop can be pressed, the next regeneration is tried.
	await setSettings(page, {
		Temperature: '5',
		'Top-k': '0',
		'Top-p': '1',
		'Repetition penalty': '1',
		'Max tokens': '2000'
	});
	await send(page, 'Tell me a long story.');
	const reply = replies(page).first();
	let stopped = false;
	for (let attempt = 0; attempt < 6 && !stopped; attempt++) {
		if (attempt > 0) await reply.getByRole('button', { name: 'Regenerate' }).click();
		// Rendered reply text (not the "loading the model" line) means tokens are arriving.
		await expect(reply.locator('.markdown')).not.toHaveText('', { timeout: 60_000 });
		stopped = await page
			.getByTestId('stop')
			.click({ timeout: 1000 })
			.then(() => true)
			.catch(() => false);
		await waitForReplies(page, 1);
		stopped &&= (await reply.getAttribute('data-finish')) === 'interrupted';
	}
	expect(stopped).toBe(true);

	await expect(reply).toContainText('Stopped.');
	// textContent, as toHaveText reads it: innerText puts line breaks between blocks, so a
	// sampled reply that happens to hold a code block (with its Copy button) would never match.
	const shown = (await reply.locator('.markdown').textContent()) ?? '';
	await page.waitForTimeout(500);
	await expect(reply.locator('.markdown')).toHaveText(shown);
	const stored = (await storedMessages(page)).find((m) => m.finishReason === 'interrupted')!;
	expect(stored.content.length).toBeGreaterThan(0);
	expect(stored.content.length).toBeLessThan(2000);
	await expect(reply.getByRole('button', { name: 'Continue' })).toBeVisible();
	await expect(page.getByTestId('send')).toBeVisible();
});

test('Continue carries a reply cut at max tokens on to what it would have said', async ({
	page,
	demo
}) => {
	const { prompt, output } = demo.greedy[0];
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
	await setSettings(page, greedy(4));
	await send(page, prompt);
	await waitForReplies(page, 1);
	const reply = replies(page).first();
	await expect(reply).toHaveAttribute('data-finish', 'length');
	await expect(reply).toContainText('Cut off at the token limit.');

	await reply.getByRole('button', { name: 'Continue' }).click();
	await waitForReplies(page, 1);
	await expect(reply).toHaveAttribute('data-finish', 'length');
	await setSettings(page, greedy(demo.maxNewTokens));
	await reply.getByRole('button', { name: 'Continue' }).click();
	await waitForReplies(page, 1);

	await expect(reply).toHaveAttribute('data-finish', 'stop');
	const [stored] = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	// The demo tokenizer is byte-level: three pieces of greedy decoding make the same reply.
	expect(stored.content).toBe(output);
	await expect(reply.getByRole('button', { name: 'Continue' })).toHaveCount(0);
});

test('Regenerate and edit make siblings to switch between, and a reload keeps the branch shown', async ({
	page
}) => {
	await askOnTheCpu(page, 'What is 2 plus 3?');
	// Replies as stored; the page shows them rendered, a frame later.
	const newestReply = async () =>
		(await storedMessages(page)).filter((m) => m.role === 'assistant').at(-1)!.content;
	const firstReply = await newestReply();

	await replies(page).first().getByRole('button', { name: 'Regenerate' }).click();
	const switcher = replies(page).first().getByTestId('sibling-switcher');
	// The first reply is finished too: wait for the new sibling before waiting for it to finish.
	await expect(switcher).toContainText('2/2');
	await waitForReplies(page, 1);
	const secondReply = await newestReply();
	await switcher.getByRole('button', { name: 'Previous version' }).click();
	await expect(switcher).toContainText('1/2');
	await expect(replies(page).first().getByTestId('message-content')).toHaveText(firstReply);

	const question = messages(page).first();
	await question.getByRole('button', { name: 'Edit' }).click();
	await question.getByLabel('Edit your message').fill('What is 4 plus 4?');
	await question.getByRole('button', { name: 'Save and send' }).click();
	await expect(messages(page).first()).toContainText('What is 4 plus 4?');
	await expect(messages(page).first().getByTestId('sibling-switcher')).toContainText('2/2');
	await waitForReplies(page, 1);

	await page.reload();
	await expect(messages(page).first()).toContainText('What is 4 plus 4?');
	await messages(page)
		.first()
		.getByTestId('sibling-switcher')
		.getByRole('button', { name: 'Previous version' })
		.click();
	await expect(messages(page).first()).toContainText('What is 2 plus 3?');
	// Switching to a branch shows its newest leaf: the regenerated reply.
	await expect(replies(page).first().getByTestId('sibling-switcher')).toContainText('2/2');
	await expect(replies(page).first().getByTestId('message-content')).toHaveText(secondReply);
	await page.reload();
	await expect(messages(page).first()).toContainText('What is 2 plus 3?');
	await expect(replies(page).first().getByTestId('sibling-switcher')).toContainText('2/2');
	await expect(replies(page).first().getByTestId('message-content')).toHaveText(secondReply);
});

test('a question whose reply was deleted waits for “Get a reply”, and a message sent meanwhile stays in the box', async ({
	page
}) => {
	await askOnTheCpu(page, 'What is 2 plus 3?');
	await replies(page).first().getByRole('button', { name: 'Delete' }).click();
	await expect(replies(page)).toHaveCount(0);

	await send(page, 'What is 4 plus 4?');
	await expect(page.getByTestId('chat-error')).toContainText('Your last message has no reply yet');
	await expect(page.getByTestId('composer')).toHaveValue('What is 4 plus 4?');
	await expect(messages(page)).toHaveCount(1);

	await page.getByTestId('get-reply').click();
	await waitForReplies(page, 1);
	await expect(page.getByTestId('get-reply')).toHaveCount(0);
	await page.getByTestId('send').click();
	await waitForReplies(page, 2);
	await expect(messages(page).nth(2)).toContainText('What is 4 plus 4?');
	await expect(page.getByTestId('composer')).toHaveValue('');
});

test('Export downloads the branch shown as Markdown and every branch as JSON', async ({ page }) => {
	await askOnTheCpu(page, 'What is 2 plus 3?');
	await replies(page).first().getByRole('button', { name: 'Regenerate' }).click();
	await expect(replies(page).first().getByTestId('sibling-switcher')).toContainText('2/2');
	await waitForReplies(page, 1);
	const stored = await storedMessages(page);
	const shown = stored.filter((m) => m.role === 'assistant').at(-1)!.content;

	const download = async (testId: string) => {
		await page.getByTestId('export').click();
		const [file] = await Promise.all([
			page.waitForEvent('download'),
			page.getByTestId(testId).click()
		]);
		// The menu closes once a format is chosen.
		await expect(page.getByTestId(testId)).toBeHidden();
		return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
	};
	const markdown = await download('export-markdown');
	expect(markdown.name).toBe('what-is-2-plus-3.md');
	expect(markdown.text).toBe(
		`# What is 2 plus 3?\n\n## User\n\nWhat is 2 plus 3?\n\n## Assistant\n\n${shown.trim()}\n`
	);
	const json = await download('export-json');
	expect(json.name).toBe('what-is-2-plus-3.json');
	const exported = JSON.parse(json.text) as { format: string; messages: { id: string }[] };
	expect(exported.format).toBe('hearth.conversation');
	expect(exported.messages.map((m) => m.id).sort()).toEqual(stored.map((m) => m.id).sort());
});

test.describe('on a phone', () => {
	test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

	test('the list of conversations covers the chat, and Back or Escape returns to it', async ({
		page
	}) => {
		await askOnTheCpu(page, 'What is 2 plus 3?');
		const toggle = page.getByRole('button', { name: 'Conversations' });
		const thread = page.getByTestId('thread');

		await toggle.tap();
		await expect(page.getByTestId('conversation-item')).toHaveCount(1);
		await expect(thread).toBeHidden();
		await page.getByTestId('close-list').tap();
		await expect(thread).toBeVisible();
		await expect(toggle).toBeFocused();

		await toggle.tap();
		await expect(thread).toBeHidden();
		await page.keyboard.press('Escape');
		await expect(thread).toBeVisible();
		await expect(messages(page)).toHaveCount(2);
	});
});

test('after the model is cached, a reload with no network still chats', async ({
	page,
	context,
	demo
}) => {
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, demo.greedy[0].prompt);
	await waitForReplies(page, 1);
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

	await context.route('**/*', (route) => route.abort('internetdisconnected'));
	await context.setOffline(true);
	await page.reload();
	await page.getByTestId('new-conversation').click();
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, demo.greedy[1].prompt);
	await waitForReplies(page, 1);
	const stored = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	expect(stored.map((m) => m.content)).toEqual([demo.greedy[0].output, demo.greedy[1].output]);
});

test('a first visit chats before the service worker takes over, and the model still starts offline', async ({
	page,
	context,
	demo
}) => {
	// The very first page of a new visitor: the service worker installs while they chat.
	await page.goto('/');
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, demo.greedy[0].prompt);
	await waitForReplies(page, 1);
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
	// The inference worker's code and WebAssembly runtime, fetched past the service worker, are
	// kept once it took over.
	await expect
		.poll(
			() =>
				page.evaluate(async () => {
					const cache = await caches.open('hearth-loaded-on-use');
					const kept = (await cache.keys()).map((r) => r.url);
					return [
						kept.some((url) => /\/workers\/.*\.js$/.test(url)),
						kept.some((url) => url.endsWith('.wasm'))
					];
				}),
			{ timeout: 30_000 }
		)
		.toEqual([true, true]);

	await context.route('**/*', (route) => route.abort('internetdisconnected'));
	await context.setOffline(true);
	await page.reload();
	await page.getByTestId('new-conversation').click();
	await setSettings(page, greedy(demo.maxNewTokens));
	await send(page, demo.greedy[1].prompt);
	await waitForReplies(page, 1);
	const stored = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	expect(stored.map((m) => m.content)).toEqual([demo.greedy[0].output, demo.greedy[1].output]);
});

test('a reply with markup that would run code renders inert', async ({ page }) => {
	await page.goto('/');
	// The conversation list shows once the app has opened (and created) its database.
	await expect(page.getByTestId('new-conversation')).toBeVisible();
	const hostile = [
		'Here you go: <img src=x onerror="window.__pwned = 1">',
		'<script>window.__pwned = 2</script>',
		'[click me](javascript:window.__pwned=3) and <a href="javascript:window.__pwned=4">me</a>',
		'<details open ontoggle="window.__pwned = 5">x</details>',
		'<svg><script>window.__pwned = 6</script></svg> <iframe src="javascript:window.__pwned=7"></iframe>'
	].join('\n\n');
	// A stored conversation whose reply is hostile, as a model could have written it.
	await page.evaluate(async (content) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('hearth');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const tx = db.transaction(['conversations', 'messages', 'settings'], 'readwrite');
		const now = Date.now();
		tx.objectStore('conversations').put({
			id: 'c-xss',
			title: 'Hostile reply',
			createdAt: now,
			updatedAt: now,
			currentLeafId: 'a'
		});
		const base = { conversationId: 'c-xss', model: null, stats: null };
		tx.objectStore('messages').put({
			...base,
			id: 'u',
			parentId: null,
			role: 'user',
			content: 'hi',
			createdAt: now
		});
		tx.objectStore('messages').put({
			...base,
			id: 'a',
			parentId: 'u',
			role: 'assistant',
			content,
			createdAt: now + 1,
			finishReason: 'stop'
		});
		tx.objectStore('settings').put({ key: 'chat.activeConversation', value: 'c-xss' });
		await new Promise((resolve) => (tx.oncomplete = resolve));
		db.close();
	}, hostile);
	const dialogs: string[] = [];
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	await page.reload();

	const reply = replies(page).first().getByTestId('message-content');
	await expect(reply).toContainText('Here you go');
	await expect(reply.locator('.markdown')).toHaveCount(1);
	await expect(reply.locator('img, script, svg, iframe')).toHaveCount(0);
	for (const link of await reply.locator('a').all()) {
		expect((await link.getAttribute('href')) ?? '').not.toMatch(/^\s*javascript:/i);
	}
	const handlers = await reply.evaluate((root) =>
		[...root.querySelectorAll('*')].flatMap((el) =>
			[...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)
		)
	);
	expect(handlers).toEqual([]);
	await page.waitForTimeout(300);
	expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
	expect(dialogs).toEqual([]);
});

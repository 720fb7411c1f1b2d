// The shipped demo model using its tools in Chromium, as a newcomer meets it: a server whose
// registry holds what `npm start` installs from shipped-models/, the default tool settings, and
// greedy replies to questions the model never trained on. Each answer must come through a tool
// call the reply shows: a product the model gets wrong in its head, a fact only the user's note
// holds (cited, the citation opening the note), and a day count.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { installShippedModels } from '../../scripts/shipped-models.mjs';
import { loadConfig } from '../../training/configs/config';
import { bestThread } from '../../training/datasets/conversations';
import { generateTrees } from '../../training/seed/generate';
import { multiplicationPhrasings } from '../../training/seed/skills/multiplication';
import { generateToolTrees } from '../../training/seed/tool-trees';
import { e2eBuilds } from './support/builds';
import {
	chooseModel,
	greedy,
	replies,
	send,
	setSettings,
	storedMessages,
	waitForReplies
} from './support/chat-page';
import { expect, test as base } from './support/fixtures';
import { startHearthServer } from './support/hearth-server';

/**
 * Per round of a reply. The demo's tokens are bytes: a calculator call alone is about 80; the
 * evaluation allows each tool stage its answer's length and more.
 */
const MAX_TOKENS = 128;

/** The server a newcomer starts: its registry holds the shipped models. */
const test = base.extend({
	hearth: [
		// eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring
		async ({}, use) => {
			const registry = mkdtempSync(join(tmpdir(), 'hearth-tool-use-registry-'));
			expect(installShippedModels(registry).map((each) => each.model)).toContain('hearth-demo');
			const server = await startHearthServer(e2eBuilds().current.dir, { registryDir: registry });
			await use(server);
			await server.stop();
			rmSync(registry, { recursive: true, force: true });
		},
		{ scope: 'worker' }
	]
});

test.describe.configure({ timeout: 180_000 });

let trained: Set<string> | undefined;

/**
 * Every message of the demo model's training conversations, questions and replies (its tool
 * version's config holds them all), so that the tests ask and expect others.
 */
function trainedTexts(): Set<string> {
	const config = loadConfig('training/configs/demo-tools.json');
	trained ??= new Set(
		[
			...generateTrees(config.seed_trees, config.seed),
			...generateToolTrees(config.tool_seed_trees, config.seed)
		].flatMap((tree) => bestThread(tree).map((m) => m.text))
	);
	return trained;
}

const unseen = (text: string) =>
	expect(trainedTexts().has(text), `the demo model trained on "${text}"`).toBe(false);

/** The greedy reply to `question` in a new conversation, with or without the default tools. */
async function ask(page: Page, question: string, tools: boolean): Promise<string> {
	await page.getByTestId('new-conversation').click();
	await setSettings(page, { ...greedy(MAX_TOKENS), 'Tools in this conversation': tools });
	await send(page, question);
	await waitForReplies(page, 1);
	const reply = (await storedMessages(page)).findLast((m) => m.role === 'assistant')!;
	expect(reply.error).toBeUndefined();
	return reply.content;
}

/** The reply's one tool step, opened, and its result. */
async function onlyStep(page: Page, tool: string) {
	const steps = replies(page).last().getByTestId('tool-step');
	await expect(steps).toHaveCount(1);
	await expect(steps).toHaveAttribute('data-tool', tool);
	await steps.locator('summary').click();
	return steps.getByTestId('tool-result');
}

test.beforeEach(async ({ page }) => {
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
});

test('a three-digit product it gets wrong in its head comes right through the calculator', async ({
	page
}) => {
	const [a, b] = [658, 473];
	const question = multiplicationPhrasings[0](a, b);
	unseen(question);
	const answer = `${a} * ${b} = ${a * b}.`;
	const unaided = await ask(page, question, false);
	expect(unaided).not.toBe(answer);
	await expect(replies(page).last().getByTestId('tool-step')).toHaveCount(0);

	expect(await ask(page, question, true)).toBe(answer);
	await expect(await onlyStep(page, 'calculator')).toHaveText(String(a * b));
});

test("a fact only the user's note holds is found, cited, and the citation opens the note", async ({
	page
}) => {
	await page.goto('/documents');
	const notes = [
		['Boathouse', "The boathouse's door code is 6283."],
		['Nell', "Nell's birthday is on October 9."],
		['Where things are', 'The tent is in the attic.']
	];
	for (const [title, text] of notes) {
		const form = page.getByRole('form', { name: 'New note' });
		await form.getByRole('textbox', { name: 'Title' }).fill(title);
		await form.getByRole('textbox', { name: 'Text' }).fill(text);
		await form.getByRole('button', { name: 'Save note' }).click();
		await expect(page.getByTestId('documents').getByRole('status')).toHaveText(`Saved “${title}”.`);
	}
	await page.goto('/');

	// The question is a trained wording; the code, and so the answer, are the user's own.
	unseen("The boathouse's door code is 6283 [1].");
	const reply = await ask(page, 'What is the door code of the boathouse?', true);
	expect(reply).toBe("The boathouse's door code is 6283 [1].");
	await expect(await onlyStep(page, 'search_documents')).toContainText('6283');
	const source = replies(page).last().getByTestId('sources').getByRole('link');
	await expect(source).toHaveText('Boathouse');
	// The mark [1] in the text links to the first source.
	const mark = await replies(page).last().getByRole('link', { name: '[1]' }).getAttribute('href');
	await expect(page.locator(`[id="${mark!.slice(1)}"]`)).toContainText('6283');
	await source.click();
	await expect(page).toHaveURL(/\/documents#[\w-]+$/);
	await expect(page.getByTestId('document-text')).toContainText('6283');
});

test('a day count across months and years goes through the date tool', async ({ page }) => {
	const question = 'How many days are there from March 14, 2025 to June 2, 2026?';
	unseen(question);
	const days = (Date.UTC(2026, 5, 2) - Date.UTC(2025, 2, 14)) / 86_400_000;
	expect(await ask(page, question, true)).toBe(`${days} days.`);
	await expect(await onlyStep(page, 'days_between')).toHaveText(`${days} days`);
});

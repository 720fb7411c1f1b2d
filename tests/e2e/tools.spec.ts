// Tools in the browser, with the real inference worker: the ci model's template renders the
// tool list the page sends, and the user's tool settings hold across reloads.
import { readFileSync } from 'node:fs';
import { ChatFormat } from '../../src/lib/shared/chat-format';
import { toolSpec } from '../../src/lib/shared/tools/tool';
import {
	chooseModel,
	greedy,
	send,
	setSettings,
	storedMessages,
	waitForReplies
} from './support/chat-page';
import { expect, test } from './support/demo-fixtures';

test.describe.configure({ timeout: 180_000 });

/** The tools a conversation is offered by default: every local tool, no network tool. */
async function defaultToolSpecs() {
	const { localToolDeclarations } = await import('../../src/lib/shared/tools/declarations');
	return localToolDeclarations.map(toolSpec);
}

test("the worker renders the page's tools through the model's own template", async ({
	page,
	demo
}) => {
	const prompt = demo.greedy[0].prompt;
	await chooseModel(page, 'hearth-demo', 'wasm');
	await page.goto('/');
	for (const tools of [true, false]) {
		await page.getByTestId('new-conversation').click();
		await setSettings(page, { ...greedy(1), 'Tools in this conversation': tools });
		await send(page, prompt);
		await waitForReplies(page, 1);
	}
	const [withTools, without] = (await storedMessages(page)).filter((m) => m.role === 'assistant');
	expect(withTools.finishReason).toBe('length');

	const format = new ChatFormat(
		JSON.parse(readFileSync('training/demo-tokenizer/tokenizer.json', 'utf8')),
		JSON.parse(readFileSync('training/demo-tokenizer/tokenizer_config.json', 'utf8'))
	);
	const question = [{ role: 'user', content: prompt }];
	const toolsTurn =
		format.promptIds(question, { tools: await defaultToolSpecs() }).length -
		format.promptIds(question).length;
	expect(toolsTurn).toBeGreaterThan(20);
	expect(withTools.stats!.promptTokens - without.stats!.promptTokens).toBe(toolsTurn);
});

test('Settings → Tools: network tools start off, and choices hold across a reload', async ({
	page
}) => {
	await page.goto('/settings');
	const form = page.getByTestId('tool-settings');
	const encyclopedia = form.getByRole('checkbox', { name: /^Encyclopedia/ });
	await expect(encyclopedia).toBeDisabled();
	await expect(encyclopedia).not.toBeChecked();
	await form.getByRole('checkbox', { name: /^Calculator/ }).uncheck();
	await expect(form.getByRole('status')).toHaveText('Saved');
	await form.getByRole('checkbox', { name: /Allow tools that use the network/ }).check();
	await expect(encyclopedia).toBeEnabled();
	await page.reload();
	await expect(form.getByRole('checkbox', { name: /^Calculator/ })).not.toBeChecked();
	await expect(form.getByRole('checkbox', { name: /^Days between two dates/ })).toBeChecked();
	await expect(encyclopedia).toBeChecked();
});

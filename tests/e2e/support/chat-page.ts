// How the chat and models end-to-end tests drive the app: as a person would, through the pages.
import { expect, type Page } from '@playwright/test';

export type DeviceChoice = 'wasm' | 'webgpu';

/** Picks a model (and where ONNX models run) on the Models page, as a user overriding the automatic choice. */
export async function chooseModel(
	page: Page,
	modelId: string,
	device?: DeviceChoice
): Promise<void> {
	await page.goto('/models');
	await page.getByTestId('model-override').selectOption(modelId);
	if (device) await page.getByTestId('device-override').selectOption(device);
	await expect(page.getByTestId('model-choice-reason')).toContainText('You chose');
}

/** Fills the open conversation's settings form (labels as shown; true/false ticks a box) and saves it. */
export async function setSettings(
	page: Page,
	values: Record<string, string | boolean>
): Promise<void> {
	await page.getByTestId('toggle-settings').click();
	const form = page.getByTestId('conversation-settings');
	for (const [label, value] of Object.entries(values)) {
		if (typeof value === 'boolean') await form.getByLabel(label).setChecked(value);
		else await form.getByLabel(label).fill(value);
	}
	// Escape in a field keeps the panel, and what was typed, open.
	await page.keyboard.press('Escape');
	await expect(form).toBeVisible();
	await form.getByRole('button', { name: 'Save settings' }).click();
	await expect(form.getByRole('status')).toHaveText('Saved');
	// Escape closes the panel and gives the keyboard back to the button that opened it.
	await page.keyboard.press('Escape');
	await expect(form).toBeHidden();
	await expect(page.getByTestId('toggle-settings')).toBeFocused();
}

/**
 * Settings under which the browser's replies equal the pipeline's greedy evaluation, which asks
 * without tools.
 */
export const greedy = (maxTokens: number) => ({
	Temperature: '0',
	'Repetition penalty': '1',
	'Max tokens': String(maxTokens),
	'Tools in this conversation': false
});

export async function send(page: Page, text: string): Promise<void> {
	await page.getByTestId('composer').fill(text);
	await page.getByTestId('send').click();
}

export const messages = (page: Page) => page.getByTestId('message');
export const replies = (page: Page) =>
	page.locator('[data-testid="message"][data-role="assistant"]');

/** Waits until the thread shows `count` replies and none is still being written. */
export async function waitForReplies(page: Page, count: number, timeout = 60_000): Promise<void> {
	await expect(replies(page)).toHaveCount(count, { timeout });
	await expect(page.locator('[data-role="assistant"][data-finish=""]')).toHaveCount(0, { timeout });
}

export interface StoredMessageRow {
	id: string;
	parentId: string | null;
	role: 'user' | 'assistant';
	content: string;
	finishReason?: string;
	error?: string;
	createdAt: number;
	model?: string | null;
	modelVersion?: number | null;
	stats?: { promptTokens: number; completionTokens: number } | null;
}

/** The messages as stored in the device's database (raw text, before Markdown rendering). */
export function storedMessages(page: Page): Promise<StoredMessageRow[]> {
	return page.evaluate(
		() =>
			new Promise<StoredMessageRow[]>((resolve, reject) => {
				const open = indexedDB.open('hearth');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const request = open.result.transaction('messages').objectStore('messages').getAll();
					request.onsuccess = () => {
						open.result.close();
						resolve(
							(request.result as StoredMessageRow[]).sort((a, b) => a.createdAt - b.createdAt)
						);
					};
					request.onerror = () => reject(request.error);
				};
			})
	);
}

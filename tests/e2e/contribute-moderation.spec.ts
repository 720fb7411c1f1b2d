// A reviewer flags a reply as personal data; a contributor made moderator finds it in the
// moderation queue and deletes it with a reason; the leaderboard shows the reviewer's points.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { registeredDeviceSchema, type RegisteredDevice } from '../../src/lib/protocol/identity';
import { moderatorTreeSchema } from '../../src/lib/protocol/moderation';
import { leaseResponseSchema, pushResponseSchema } from '../../src/lib/protocol/sync';
import type { LabelValues } from '../../src/lib/protocol/labels';
import { expect, test } from './support/fixtures';

function adminCli(dataDir: string, args: string[]): void {
	execFileSync(process.execPath, ['--import', 'tsx', 'sync-server/admin-cli.ts', ...args], {
		env: { ...process.env, HEARTH_DATA_DIR: dataDir, DATABASE_URL: '' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
}

/** A growing tree whose one assistant reply waits for review. */
function seedTree(dataDir: string, prefix: string, reply: string): void {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-seed-'));
	const file = join(dir, 'seed.jsonl');
	const tree = {
		message_tree_id: `${prefix}-q`,
		tree_state: 'growing',
		prompt: {
			message_id: `${prefix}-q`,
			parent_id: null,
			user_id: `${prefix}-asker`,
			text: 'How can I reach the support team?',
			role: 'prompter',
			lang: 'en',
			review_count: 3,
			review_result: true,
			replies: [
				{
					message_id: `${prefix}-a`,
					parent_id: `${prefix}-q`,
					user_id: `${prefix}-answerer`,
					text: reply,
					role: 'assistant',
					lang: 'en',
					review_count: 0,
					review_result: null
				}
			]
		}
	};
	writeFileSync(file, JSON.stringify(tree) + '\n');
	try {
		adminCli(dataDir, ['import', file]);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Another contributor, through the API as the app would: labels the reply as personal data. */
async function reviewAsPersonalData(
	request: APIRequestContext,
	base: string,
	displayName: string
): Promise<void> {
	const device = registeredDeviceSchema.parse(
		await (await request.post(`${base}/api/devices`, { data: { displayName } })).json()
	);
	const headers = { authorization: `Bearer ${device.token}` };
	const { tasks } = leaseResponseSchema.parse(
		await (
			await request.post(`${base}/api/tasks/lease`, {
				headers,
				data: { clientId: device.clientId, count: 1, lang: 'en', type: 'label_assistant_reply' }
			})
		).json()
	);
	const task = tasks[0].task;
	if (task.type !== 'label_assistant_reply') throw new Error(`leased a ${task.type} task`);
	const labels: LabelValues = { spam: 0, ...(task.validLabels.includes('pii') ? { pii: 1 } : {}) };
	const pushed = pushResponseSchema.parse(
		await (
			await request.post(`${base}/api/sync/push`, {
				headers,
				data: {
					clientId: device.clientId,
					mutations: [
						{
							seq: 1,
							name: 'submit_task_result',
							args: {
								type: task.type,
								taskId: task.id,
								messageId: task.messageId,
								form: task.form,
								labels
							}
						}
					]
				}
			})
		).json()
	);
	expect(pushed.results).toMatchObject([{ status: 'applied' }]);
}

function storedDevice(page: Page): Promise<RegisteredDevice> {
	return page.evaluate(
		() =>
			new Promise<RegisteredDevice>((resolve, reject) => {
				const open = indexedDB.open('hearth');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result
						.transaction('settings')
						.objectStore('settings')
						.get('sync.device');
					get.onsuccess = () => resolve(get.result.value as RegisteredDevice);
					get.onerror = () => reject(get.error);
				};
			})
	);
}

test('a moderator deletes a reply flagged as personal data; the leaderboard shows the reviewer', async ({
	page,
	hearth,
	request
}) => {
	const prefix = `mod${Date.now().toString(36)}`;
	const reply = `Call our agent Jo on +44 20 7946 0958 (${prefix}).`;
	seedTree(hearth.dataDir, prefix, reply);
	const reviewer = `Rita ${prefix}`;
	await reviewAsPersonalData(request, hearth.url, reviewer);

	await page.goto('/contribute');
	await expect(page.getByTestId('sync-status')).toContainText('last sync');
	await expect(page.getByRole('link', { name: 'Moderation' })).toHaveCount(0);
	await page.goto('/moderate');
	await expect(page.getByText('This page is for moderators.')).toBeVisible();

	const device = await storedDevice(page);
	adminCli(hearth.dataDir, ['promote', device.userId, '--role', 'moderator']);

	await page.goto('/contribute');
	await page.getByRole('button', { name: 'Sync now' }).click();
	await page.getByRole('link', { name: 'Moderation' }).click();
	const flagged = page
		.getByTestId('flagged-queue')
		.getByRole('listitem')
		.filter({ hasText: reply });
	await expect(flagged).toContainText('personal data ×1');

	await flagged.getByRole('button', { name: 'Delete message and replies…' }).click();
	await flagged.getByLabel('Why?').fill('phone number of a private person');
	await flagged.getByRole('button', { name: 'Delete message and replies', exact: true }).click();
	await expect(flagged).toHaveCount(0);

	await page.getByLabel('Include deleted').check();
	await expect(flagged.getByRole('button', { name: 'Restore message…' })).toBeVisible();

	const tree = moderatorTreeSchema.parse(
		await (
			await request.get(`${hearth.url}/api/moderation/trees/${prefix}-q`, {
				headers: { authorization: `Bearer ${device.token}` }
			})
		).json()
	);
	expect(tree.messages.find((m) => m.id === `${prefix}-a`)?.status).toBe('deleted');

	await page.getByRole('link', { name: 'Leaderboard' }).click();
	await page.getByRole('tab', { name: 'All time' }).click();
	await expect(page.getByRole('tab', { name: 'All time' })).toHaveAttribute(
		'aria-selected',
		'true'
	);
	await expect(
		page.getByTestId('leaderboard').getByRole('row', { name: new RegExp(reviewer) })
	).toBeVisible();
});

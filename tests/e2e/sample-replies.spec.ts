// Replies sampled on a contributor's device: a prompt waits for assistant replies; a contributor
// whose browser holds the demo model takes a sampling task, goes offline, lets the model answer
// twice and keeps both replies. Back online they reach the server once, as synthetic replies
// naming the model and version, and the simulated crowd labels them, adds a reply of its own and
// ranks all three.
import { randomUUID } from 'node:crypto';
import { runCrowd } from '../../scripts/crowd-sim';
import { oasstTreeLineSchema, type OasstNodeInput } from '../../src/lib/protocol/export';
import { importTrees, trainerToken } from './support/admin-cli';
import { e2eBuilds } from './support/builds';
import { greedy, send, setSettings, storedMessages, waitForReplies } from './support/chat-page';
import { expect, test } from './support/demo-fixtures';
import { crowdServerEnv, startHearthServer } from './support/hearth-server';
import { goOffline, goOnline, outboxCount } from './support/network';
import { waitForServiceWorkerControl } from './support/service-worker';

const ADMIN_TOKEN = 'sample-replies-admin-token-01';

test('a sampling task done offline gives k synthetic replies, synced once and ranked by the crowd', async ({
	browser,
	demo
}) => {
	test.setTimeout(240_000);
	const server = await startHearthServer(e2eBuilds().current.dir, {
		registryDir: demo.dir,
		// Three answers per question, two of which may be samples.
		env: crowdServerEnv(ADMIN_TOKEN, { maxDepth: 2, maxAssistantReplies: 3, goalTreeSize: 4 })
	});
	const context = await browser.newContext({ baseURL: server.url });
	try {
		const question = demo.greedy[0].prompt;
		const treeId = randomUUID();
		importTrees(server, [
			{
				message_tree_id: treeId,
				tree_state: 'growing',
				prompt: {
					message_id: treeId,
					user_id: randomUUID(),
					created_date: '2026-12-01T10:00:00+00:00',
					text: question,
					role: 'prompter',
					lang: 'en',
					review_count: 3,
					review_result: true
				}
			}
		]);
		const token = trainerToken(server, 'sample-replies');
		const exported = async () => {
			const res = await context.request.get(
				`${server.url}/api/export?format=trees&state=growing,ranking,ready_for_export`,
				{ headers: { authorization: `Bearer ${token}` } }
			);
			return (await res.text())
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => oasstTreeLineSchema.parse(JSON.parse(line)))
				.find((tree) => tree.message_tree_id === treeId)!;
		};
		const replies = async () => (await exported()).prompt.replies as OasstNodeInput[];

		// The model is on this device once it has chatted (under the service worker, which keeps the
		// inference worker's code for offline use).
		const page = await context.newPage();
		await page.goto('/');
		await waitForServiceWorkerControl(page);
		await setSettings(page, greedy(demo.maxNewTokens));
		await send(page, question);
		await waitForReplies(page, 1);
		const [chatted] = (await storedMessages(page)).filter((m) => m.role === 'assistant');

		await page.goto('/contribute');
		await page.getByTestId('task-type').selectOption('sample_assistant_replies');
		await page.getByRole('button', { name: 'Take tasks for offline' }).click();
		const workspace = page.getByTestId('task-workspace');
		await expect(workspace).toHaveAttribute('data-task-type', 'sample_assistant_replies');

		await goOffline(context);
		await workspace.getByTestId('sample-replies').click();
		const sampled = workspace.getByTestId('sampled-reply');
		await expect(sampled).toHaveCount(2, { timeout: 60_000 });
		const modelName = `${chatted.model}@${chatted.modelVersion}`;
		await expect(sampled.first()).toContainText(modelName);
		// The contributor read both and keeps both.
		for (const keep of await workspace.getByTestId('keep-sample').all()) await keep.check();
		const texts = await sampled.locator('.text, [data-testid=pii-warning] pre').allTextContents();
		await page.getByRole('button', { name: 'Review' }).click();
		await page.getByRole('button', { name: 'Submit' }).click();
		await expect(page.getByTestId('notice')).toContainText('Submitted');
		expect(await outboxCount(page)).toBe(1);
		expect(await replies()).toEqual([]);

		await goOnline(context);
		await expect.poll(() => outboxCount(page), { timeout: 30_000 }).toBe(0);
		const synced = await replies();
		expect(synced.map((r) => [r.text, r.synthetic, r.model_name])).toEqual(
			texts.map((text) => [text.trim(), true, modelName])
		);
		await page.reload();
		expect(await replies()).toHaveLength(2);

		// The crowd labels them, writes the third answer, and ranks the three.
		const crowd = await runCrowd({
			baseUrl: server.url,
			contributors: 6,
			trees: 0,
			until: async () => (await exported()).tree_state === 'ready_for_export',
			seed: 5,
			spammers: 0,
			rounds: 40,
			batch: 4,
			lang: 'en',
			adminToken: ADMIN_TOKEN
		});
		console.log(`[sample-replies] crowd: ${JSON.stringify(crowd)}`);
		const tree = await exported();
		expect(tree.tree_state).toBe('ready_for_export');
		const ranked = (tree.prompt.replies as OasstNodeInput[]).filter(
			(r) => typeof r.rank === 'number'
		);
		expect(ranked.filter((r) => r.synthetic)).toHaveLength(2);
		expect(ranked.filter((r) => !r.synthetic)).toHaveLength(1);
	} finally {
		await context.close();
		await server.stop();
	}
});

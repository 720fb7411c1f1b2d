// "Share to improve Hearth" as a person uses it: a chat with the demo model, a reply
// regenerated and thumbed up, shared while offline with a phone number in it. The personal-data
// check holds the share until the number is edited out; back online, the Chat page alone syncs
// it, and the server holds it once: a tree of synthetic replies naming the model and version that
// wrote them, the thumb an emoji count in the export. Withdrawing it erases it from the exports.
import { withdrawnMessageSchema } from '../../src/lib/protocol/donations';
import { oasstTreeLineSchema, type OasstNodeInput } from '../../src/lib/protocol/export';
import {
	greedy,
	replies,
	send,
	setSettings,
	storedMessages,
	waitForReplies
} from './support/chat-page';
import { expect, test } from './support/demo-fixtures';
import { trainerToken } from './support/admin-cli';
import { goOffline, goOnline, outboxCount } from './support/network';

test.describe.configure({ timeout: 180_000 });

const nodes = (node: OasstNodeInput): OasstNodeInput[] => [
	node,
	...(node.replies ?? []).flatMap(nodes)
];

test('a shared chat is held for personal data, then reaches the server once with its model, version and thumbs', async ({
	page,
	context,
	hearth,
	request,
	demo
}) => {
	const token = trainerToken(hearth, 'donate-e2e');
	const headers = { authorization: `Bearer ${token}` };
	const donated = async () => {
		const res = await request.get(
			`${hearth.url}/api/export?format=trees&state=initial_prompt_review,halted_by_moderator&synthetic=true&deleted=true`,
			{ headers }
		);
		expect(res.status()).toBe(200);
		return (await res.text())
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => oasstTreeLineSchema.parse(JSON.parse(line)))
			.filter((tree) => tree.origin === 'donation');
	};

	await page.goto('/');
	await setSettings(page, greedy(demo.maxNewTokens));
	const number = '+44 20 7946 0958';
	await send(page, `Text me on ${number}. ${demo.greedy[0].prompt}`);
	await waitForReplies(page, 1);
	await replies(page).first().getByRole('button', { name: 'Regenerate' }).click();
	await expect(page.getByTestId('message').last().getByText('2/2')).toBeVisible();
	await waitForReplies(page, 1);
	await replies(page).first().getByRole('button', { name: 'Good reply' }).click();

	await goOffline(context);
	await page.getByTestId('toggle-donate').click();
	const panel = page.getByTestId('donate-panel');
	await panel.getByTestId('donate-whole-tree').check();
	await expect(panel.getByTestId('donate-message')).toHaveCount(3);
	await panel.getByTestId('donate-votes').check();
	await panel.getByTestId('donate-consent').check();
	// The phone number is marked, and holds the share until it is edited out.
	await expect(panel.getByTestId('pii-mark')).toHaveText(number);
	await expect(panel.getByTestId('donate-share')).toBeDisabled();
	await expect(panel.getByTestId('donate-problem')).toContainText('personal data');
	const edited = `Text me. ${demo.greedy[0].prompt}`;
	await panel.getByTestId('donate-edit').fill(edited);
	await expect(panel.getByTestId('pii-mark')).toHaveCount(0);
	await panel.getByTestId('donate-share').click();
	await expect(panel.getByTestId('donation-status')).toContainText('Shared on');
	await expect(page.getByTestId('toggle-donate')).toHaveText('Shared');
	expect(await outboxCount(page)).toBe(1);
	expect(await donated()).toHaveLength(0);

	// Back online with only the Chat page open: it syncs, once.
	await goOnline(context);
	await expect.poll(() => outboxCount(page), { timeout: 30_000 }).toBe(0);
	const [tree, ...more] = await donated();
	expect(more).toHaveLength(0);
	const stored = await storedMessages(page);
	const [first, second] = stored
		.filter((m) => m.role === 'assistant')
		.sort((a, b) => a.createdAt - b.createdAt);
	const all = nodes(tree.prompt);
	expect(tree.prompt.text).toBe(edited);
	expect(JSON.stringify(tree)).not.toContain(number);
	const modelName = `${first.model}@${first.modelVersion}`;
	expect(first.modelVersion).toBeGreaterThanOrEqual(1);
	expect(
		all
			.filter((m) => m.role === 'assistant')
			.map((m) => [m.text, m.synthetic, m.model_name, m.emojis])
	).toEqual([
		[first.content, true, modelName, {}],
		// The reply the thread went on with after regenerating is the one kept.
		[second.content, true, modelName, { '+1': 1, _kept: 1 }]
	]);
	// Reloading and syncing again sends nothing more.
	await page.reload();
	await expect(page.getByTestId('toggle-donate')).toHaveText('Shared');
	expect(await donated()).toHaveLength(1);

	// Taken back: erased from every export, and listed as withdrawn.
	await page.getByTestId('toggle-donate').click();
	await page.getByTestId('withdraw-donation').click();
	await expect(page.getByTestId('donate-panel').getByTestId('donation-status')).toContainText(
		'You withdrew'
	);
	await expect.poll(async () => (await donated()).length, { timeout: 30_000 }).toBe(0);
	const withdrawn = (
		await (await request.get(`${hearth.url}/api/export/withdrawn`, { headers })).text()
	)
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => withdrawnMessageSchema.parse(JSON.parse(line)));
	expect(withdrawn.filter((m) => m.message_tree_id === tree.message_tree_id)).toHaveLength(3);
});

import { e2eBuilds } from './support/builds';
import { expect, test } from './support/fixtures';
import { publishBuild, startHearthServer, type HearthServer } from './support/hearth-server';
import { runningVersion, waitForServiceWorkerControl } from './support/service-worker';

const { previous, current } = e2eBuilds();
let server: HearthServer;

test.beforeEach(async () => {
	server = await startHearthServer(previous.dir);
});

test.afterEach(async () => {
	await server.stop();
});

test('a new build waits for the user, and runs after "Update available — reload"', async ({
	page
}) => {
	await page.goto(`${server.url}/settings`);
	await waitForServiceWorkerControl(page);
	expect(await runningVersion(page)).toBe(previous.id);

	publishBuild(server, current.dir);
	await page.reload();
	const prompt = page.getByRole('button', { name: 'Update available — reload' });
	await expect(prompt).toBeVisible();
	expect(await runningVersion(page)).toBe(previous.id);

	// The new worker never takes over on its own: another visit still runs the old version
	// and asks again.
	await page.reload();
	await expect(prompt).toBeVisible();
	expect(await runningVersion(page)).toBe(previous.id);

	await Promise.all([page.waitForEvent('load'), prompt.click()]);
	await expect(page.getByTestId('app-version')).toHaveText(current.id);
	await expect(prompt).toBeHidden();
	const waiting = await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.getRegistration();
		return registration?.waiting !== null;
	});
	expect(waiting).toBe(false);
});

test('with two tabs open, updating in one lets the other reload into the new version', async ({
	context
}) => {
	const [first, second] = [await context.newPage(), await context.newPage()];
	await first.goto(`${server.url}/settings`);
	await waitForServiceWorkerControl(first);
	await second.goto(`${server.url}/settings`);
	await waitForServiceWorkerControl(second);

	publishBuild(server, current.dir);
	await first.reload();
	const promptIn = (page: typeof first) =>
		page.getByRole('button', { name: 'Update available — reload' });
	await expect(promptIn(first)).toBeVisible();
	await expect(promptIn(second)).toBeVisible();

	await Promise.all([first.waitForEvent('load'), promptIn(first).click()]);
	await expect(first.getByTestId('app-version')).toHaveText(current.id);

	// The other tab kept its page (it may hold unsaved input) and still offers the reload.
	expect(await runningVersion(second)).toBe(previous.id);
	await expect(promptIn(second)).toBeVisible();
	await Promise.all([second.waitForEvent('load'), promptIn(second).click()]);
	await expect(second.getByTestId('app-version')).toHaveText(current.id);
});

// The whole loop, end to end: a real server, a simulated crowd that teaches over the HTTP API the
// capitals of countries that do not exist, one pipeline command that exports the crowd's trees,
// fine-tunes the published model's top layers, evaluates both versions, passes the gate, publishes
// over HTTP and sends the new reward model's uncertainty about the sets still waiting for
// rankings, and Chromium, which held the parent, picking the new version up by
// fetching only the blobs that changed and answering the crowd's held-out questions that the
// parent got wrong.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { runCrowd } from '../../scripts/crowd-sim';
import { loadChatFormat } from '../../training/datasets/load-chat-format';
import { parseTrees } from '../../training/datasets/read-trees';
import { rankingSets } from '../../training/prioritise/sets';
import { capitalAnswer } from '../../training/seed/skills/capitals';
import { parseVersionManifest, type VersionManifest } from '../../src/lib/protocol/registry';
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
import { trainerToken } from './support/admin-cli';
import { crowdServerEnv, startHearthServer, type HearthServer } from './support/hearth-server';
import { INVENTED_CAPITALS, inventedCapitals, truthFor } from './support/invented-capitals';

const ADMIN_TOKEN = 'crowd-loop-admin-token-0123';
const NAME = 'crowd-loop';
const OUT = `training/out/${NAME}`;
const WAITING_TREES = 3;

test.describe.configure({ timeout: 900_000 });

/** The ci config, as the demo model in this suite was trained, fine-tuned in its top layers. */
function loopConfig(dir: string): string {
	const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
	config.name = NAME;
	config.model_name = 'hearth-demo';
	// Mostly seed replay: fine-tuned on the crowd's few trees alone, the model forgets the rest.
	config.mixture = { seed_share: 0.9, community_val_fraction: 0.25 };
	config.gate = { exact_match_drop: 0.1, skill_drop: 0.2, min_skill_questions: 20, ppl_rise: 0.25 };
	const top = { trainable_layers: 2, batch_size: 16 };
	config.sft = { ...config.sft, ...top, steps: 800, warmup: 10, lr: 5e-3 };
	config.rm = { ...config.rm, ...top, steps: 40, warmup: 4 };
	config.dpo = { ...config.dpo, ...top, steps: 10, warmup: 1 };
	const path = join(dir, `${NAME}.json`);
	writeFileSync(path, JSON.stringify(config));
	return path;
}

/** Runs a command to its end, its output kept for the failure message. */
function run(command: string, args: string[], env: Record<string, string> = {}) {
	return new Promise<{ code: number | null; output: string }>((resolve) => {
		const child = spawn(command, args, {
			env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (code) => resolve({ code, output }));
	});
}

/**
 * Trees whose answers nobody ranked yet, imported by the operator straight into the ranking state
 * (the crowd finishes what it starts): the sets active learning orders.
 */
async function importWaitingTrees(server: HearthServer, dir: string): Promise<void> {
	const node = (text: string, role: 'prompter' | 'assistant', parent: string | null) => ({
		message_id: randomUUID(),
		parent_id: parent,
		user_id: randomUUID(),
		created_date: '2026-12-01T10:00:00+00:00',
		text,
		role,
		lang: 'en',
		review_count: 2,
		review_result: true,
		deleted: false,
		synthetic: false,
		replies: [] as unknown[]
	});
	const lines = INVENTED_CAPITALS.slice(0, WAITING_TREES).map(([country], i) => {
		const question = `Could you tell me the capital of ${country}?`;
		const prompt = node(question, 'prompter', null);
		const wrong = INVENTED_CAPITALS[(i + 1) % INVENTED_CAPITALS.length][1];
		prompt.replies = [
			node(truthFor(question), 'assistant', prompt.message_id),
			node(capitalAnswer(country, wrong), 'assistant', prompt.message_id)
		];
		return JSON.stringify({ message_tree_id: prompt.message_id, tree_state: 'ranking', prompt });
	});
	const file = join(dir, 'waiting.jsonl');
	writeFileSync(file, lines.join('\n') + '\n');
	const { code, output } = await run(
		'node_modules/.bin/tsx',
		['sync-server/admin-cli.ts', 'import', file, '--state', 'ranking'],
		{ HEARTH_DATA_DIR: server.dataDir, DATABASE_URL: '' }
	);
	expect(code, output).toBe(0);
}

/** The greedy reply to `question`, asked as the first turn of a new conversation. */
async function ask(page: Page, question: string, maxTokens: number): Promise<string> {
	await page.getByTestId('new-conversation').click();
	await setSettings(page, greedy(maxTokens));
	await send(page, question);
	await waitForReplies(page, 1);
	const reply = (await storedMessages(page)).findLast((m) => m.role === 'assistant')!;
	expect(reply.error).toBeUndefined();
	return reply.content;
}

test('the crowd teaches the model new facts; every browser picks the update up as a delta', async ({
	browser,
	demo
}) => {
	const registry = demo.copy();
	const work = mkdtempSync(join(tmpdir(), 'hearth-crowd-loop-'));
	const server = await startHearthServer(e2eBuilds().current.dir, {
		registryDir: registry,
		// A question and two answers: every held-out question is a first turn.
		env: crowdServerEnv(ADMIN_TOKEN, { maxDepth: 2, maxAssistantReplies: 2, goalTreeSize: 3 })
	});
	const context = await browser.newContext({ baseURL: server.url });
	const manifest = (version: number): VersionManifest =>
		parseVersionManifest(
			JSON.parse(readFileSync(join(registry, `hearth-demo/versions/${version}.json`), 'utf8')),
			`version ${version}`
		);
	try {
		// A browser holds version 1 and gets the invented capitals wrong.
		const page = await context.newPage();
		await chooseModel(page, 'hearth-demo', 'wasm');
		const card = page.locator('[data-testid="model-card"][data-model-id="hearth-demo"]');
		await card.getByTestId('download').click();
		await expect(card.getByTestId('model-state')).toContainText('Downloaded (version 1)');
		await page.goto('/');

		// The crowd writes, reviews and ranks until enough trees are ready for export.
		const crowd = await runCrowd({
			baseUrl: server.url,
			contributors: 30,
			trees: 48,
			seed: 11,
			spammers: 0,
			rounds: 400,
			batch: 6,
			lang: 'en',
			adminToken: ADMIN_TOKEN,
			texts: inventedCapitals
		});
		console.log(`[crowd-loop] crowd: ${JSON.stringify(crowd)}`);
		// Now and then reviews turn a message down and its tree stops short: most finish.
		expect(crowd.readyTrees).toBeGreaterThanOrEqual(30);

		await importWaitingTrees(server, work);

		// One command: export → parent → datasets → train → evaluate → gate → build → publish →
		// ranking-sets → uncertainty → send-priorities.
		const token = trainerToken(server, 'crowd-loop');
		const started = Date.now();
		const loop = await run(
			'node_modules/.bin/tsx',
			[
				...['training/pipeline.ts', '--config', loopConfig(work)],
				...['--from-server', server.url, '--from', 'hearth-demo@latest']
			],
			{ HEARTH_TRAINER_TOKEN: token }
		);
		expect(loop.code, loop.output.slice(-3000)).toBe(0);
		console.log(`[crowd-loop] pipeline ${((Date.now() - started) / 1000).toFixed(0)} s`);
		console.log(
			loop.output
				.split('\n')
				.filter((l) => l.startsWith('onnx.q4') || l.includes('gate'))
				.join('\n')
		);
		// Active learning: the new reward model's uncertainty for every set waiting for rankings.
		const waiting = await fetch(`${server.url}/api/export?format=trees&state=ranking`, {
			headers: { authorization: `Bearer ${token}` }
		});
		const sets = rankingSets(
			parseTrees(await waiting.text(), 'ranking trees'),
			loadChatFormat(join(OUT, 'model')),
			JSON.parse(readFileSync(join(OUT, 'data/manifest.json'), 'utf8')).max_length
		).sets;
		// The imported trees, and any the crowd left waiting for rankings when it stopped.
		expect(sets.length).toBeGreaterThanOrEqual(WAITING_TREES);
		expect(loop.output).toContain(`send-priorities: the server holds ${sets.length} priorities\n`);
		const [parent, child] = [manifest(1), manifest(2)];
		expect(child.parent).toBe(1);
		expect(child.training_data?.trees.community).toBe(crowd.readyTrees);
		// Its seed replay is small, yet it lists every skill the parent had.
		expect(child.skills?.map((s) => s.name)).toEqual(
			expect.arrayContaining(parent.skills!.map((s) => s.name))
		);

		// The crowd's held-out questions, graded against the truth (the crowd's own best answer is
		// now and then one of its confusions): the parent cannot know any, the child learnt most.
		type Greedy = { tree_id: string; output: string }[];
		const outputs = (report: string) =>
			new Map(
				(JSON.parse(readFileSync(report, 'utf8'))['onnx.q4.greedy.community'] as Greedy).map(
					(g) => [g.tree_id, g.output]
				)
			);
		const [childSaid, parentSaid] = [
			outputs(join(OUT, 'eval/report.json')),
			outputs(join(OUT, 'parent/report.json'))
		];
		const heldOut = readFileSync(join(OUT, 'data/eval.community.jsonl'), 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as { tree_id: string; messages: { content: string }[] })
			.map(({ tree_id, messages }) => ({
				question: messages[0].content,
				truth: truthFor(messages[0].content),
				parent: parentSaid.get(tree_id)!,
				child: childSaid.get(tree_id)!
			}));
		const learnt = heldOut.filter((q) => q.child === q.truth);
		console.log(`[crowd-loop] held out: ${learnt.length} of ${heldOut.length} learnt`);
		expect(heldOut.filter((q) => q.parent === q.truth)).toEqual([]);
		// 8 or 9 of 12 in three runs: which answers reach which tree varies with the server's
		// task order from run to run, and a 3-layer model copies invented names imperfectly.
		expect(learnt.length).toBeGreaterThanOrEqual(3);
		const asked = learnt.slice(0, 3);
		const maxTokens = 48;
		// The browser runs the same graphs: before the update it says what the parent said.
		for (const q of asked) expect(await ask(page, q.question, maxTokens)).toBe(q.parent);

		// The browser is told, and fetches only what changed.
		const fetched: string[] = [];
		page.on('request', (request) => {
			if (request.url().includes('/registry/blobs/'))
				fetched.push(request.url().split('/').at(-1)!);
		});
		await page.reload();
		const offer = page.getByTestId('model-update-offer');
		await expect(offer.getByTestId('offer-text')).toContainText('v2');
		await offer.getByTestId('offer-update').click();
		await expect(offer).toHaveCount(0, { timeout: 60_000 });

		// The browser runs the int4 graph: its files and the support files are the model it holds.
		const q4 = (m: VersionManifest) => m.files.filter((f) => !f.path.startsWith('onnx/model.onnx'));
		const whole = q4(child).reduce((n, f) => n + f.size, 0);
		const parentBlobs = new Set(parent.files.map((f) => f.sha256));
		const changed = q4(child).filter((f) => !parentBlobs.has(f.sha256));
		const fetchedBytes = changed.reduce((n, f) => n + f.size, 0);
		console.log(
			`[crowd-loop] update fetched ${fetched.length} blobs, ${fetchedBytes} B of the ${whole} B model`
		);
		expect(fetched.sort()).toEqual(changed.map((f) => f.sha256).sort());
		expect(fetchedBytes).toBeLessThan(whole);
		// The bottom layer and the embeddings were not trained: their blobs were not fetched.
		const untouched = q4(child).filter((f) => /\.(layer\.0|embed)\./.test(f.path));
		expect(untouched.length).toBe(2);
		for (const file of untouched) expect(fetched).not.toContain(file.sha256);

		// After it, the new version answers what the parent could not know.
		for (const q of asked) expect(await ask(page, q.question, maxTokens)).toBe(q.truth);
	} finally {
		await context.close();
		await server.stop();
		rmSync(registry, { recursive: true, force: true });
		rmSync(work, { recursive: true, force: true });
	}
});

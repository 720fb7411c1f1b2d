// `npm run crowd-sim -- --url http://localhost:8787 [--contributors 12] [--trees 5] [--seed 1]
//   [--spammers 1] [--rounds 400] [--admin-token …]`
//
// A crowd of simulated contributors working through the real HTTP API, the way the app does:
// each registers a device, leases a batch of tasks, does them "offline", pushes the results as
// one outbox batch and pulls. Writers write, reviewers label (spammers' texts as spam), rankers
// rank with a shared taste plus personal noise, a few tasks are skipped. The crowd keeps going
// until the wanted number of trees is ready for export (counted through the export endpoint,
// which needs a moderator: pass the server's HEARTH_ADMIN_TOKEN) or nothing is left to do.
// Seeded: the same seed gives the same crowd behaviour.
//
// A load and protocol test, not demo data: its contributors write placeholder texts and fill the
// leaderboard, so run it against a server of its own (see `setupHelp`). For real-looking trees
// in every state, `npm run admin -- demo-data load` is the way.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { registeredDeviceSchema, type RegisteredDevice } from '../src/lib/protocol/identity';
import { labelDescriptions, likertSteps } from '../src/lib/protocol/labels';
import {
	leaseResponseSchema,
	pushResponseSchema,
	type LeasedTask,
	type Mutation
} from '../src/lib/protocol/sync';
import type { Task, TaskRequestType } from '../src/lib/protocol/tasks';
import { pickOne, shuffled } from '../sync-server/tree-manager/random';
import { seededRandom, type Random } from '../src/lib/shared/random';

export interface CrowdOptions {
	baseUrl: string;
	contributors: number;
	/** Write this many prompts, and stop once this many trees are ready for export. */
	trees: number;
	/** Stop when this says so instead (checked after every round), e.g. once a given tree is done. */
	until?: () => Promise<boolean>;
	seed: number;
	/** Contributors whose every text is spam (and labelled so by the others). */
	spammers: number;
	/** Upper bound on rounds (every contributor takes one turn per round). */
	rounds: number;
	lang: string;
	/** The server's HEARTH_ADMIN_TOKEN; needed to watch progress through the export. */
	adminToken: string;
	/** Tasks leased per turn. */
	batch: number;
	/** What the crowd writes and prefers; placeholder texts unless given (a curriculum). */
	texts?: CrowdTexts;
	log?: (line: string) => void;
}

/** A turn of the conversation a task shows, oldest first. */
export interface Turn {
	role: 'prompter' | 'assistant';
	text: string;
}

/**
 * What a crowd writes and how it ranks: by default placeholder texts and a taste shared by
 * the crowd; a curriculum (a test teaching the model something) writes real questions and
 * answers, sometimes wrong ones, and prefers the right ones.
 */
export interface CrowdTexts {
	/** `hint`: what the server suggested writing about, if anything. */
	prompt(writer: Writer, hint: string | null): string;
	reply(role: Turn['role'], conversation: readonly Turn[], writer: Writer): string;
	/** Higher is better; the crowd's rankings follow it, with personal noise. */
	taste(reply: string, conversation: readonly Turn[]): number;
}

/** The contributor writing: a name, how many texts they wrote before, their own randomness. */
export interface Writer {
	name: string;
	written: number;
	random: Random;
}

export interface CrowdReport {
	rounds: number;
	pushes: number;
	applied: number;
	rejected: Record<string, number>;
	promptsWritten: number;
	readyTrees: number;
}

const SPAM_MARK = 'BUY CHEAP WATCHES';

const topics = [
	'tides',
	'bread',
	'compilers',
	'volcanoes',
	'chess openings',
	'photosynthesis',
	'jazz harmony',
	'tax forms',
	'bicycle gears',
	'sourdough',
	'black holes',
	'knitting'
];

/** What to run to give crowd-sim a server it can use: said whenever the setup is wrong. */
export function setupHelp(): string {
	return [
		'crowd-sim follows its progress through the export, which needs an admin: start a server',
		'with an admin token (16 characters or more) on a database of its own — its simulated',
		'contributors and placeholder texts would otherwise stay in your data and on the',
		'leaderboard — and give crowd-sim the same token:',
		'',
		'  HEARTH_ADMIN_TOKEN=<token> HEARTH_DATA_DIR=./crowd-data PORT=8788 npm start',
		'  HEARTH_ADMIN_TOKEN=<token> npm run crowd-sim -- --url http://localhost:8788',
		'',
		'To try Contribute with real-looking trees instead: npm run admin -- demo-data load'
	].join('\n');
}

/** The server cannot be used as it was started (no admin token, another token, not running). */
export class CrowdSetupError extends Error {}

class HttpError extends Error {
	constructor(
		readonly status: number,
		body: string
	) {
		super(`HTTP ${status}: ${body}`);
	}
}

/** One HTTP call, waiting out rate limits (429 with Retry-After) as a polite client does. */
async function call(
	baseUrl: string,
	method: string,
	path: string,
	token: string | null,
	body?: unknown
): Promise<unknown> {
	for (;;) {
		const res = await fetch(new URL(path, baseUrl), {
			method,
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...(token ? { authorization: `Bearer ${token}` } : {})
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		if (res.status === 429) {
			const wait = Number(res.headers.get('retry-after') ?? '1');
			await new Promise((r) => setTimeout(r, wait * 1000));
			continue;
		}
		const text = await res.text();
		if (!res.ok) throw new HttpError(res.status, text);
		return res.headers.get('content-type')?.includes('json') && !path.startsWith('/api/export')
			? JSON.parse(text)
			: text;
	}
}

/** A stable number in [0, 1) for a text: the crowd's shared taste in replies. */
function sharedTaste(text: string): number {
	let h = 2166136261;
	for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
	return h / 2 ** 32;
}

/** Placeholder texts naming their writer and topic; a load test needs no meaning. */
export const placeholderTexts: CrowdTexts = {
	prompt: (writer, hint) => placeholder('Question', hint ?? 'nothing', writer),
	reply: (role, conversation, writer) =>
		placeholder(role === 'assistant' ? 'Answer' : 'Follow-up', conversation.at(-1)!.text, writer),
	taste: (reply) => sharedTaste(reply)
};

function placeholder(kind: string, context: string, writer: Writer): string {
	const topic = pickOne(topics, writer.random);
	return `${kind} ${writer.written} by ${writer.name} about ${topic} (after: ${context.slice(0, 40)})`;
}

class SimContributor {
	private seq = 1;
	private written = 0;
	readonly random: Random;

	constructor(
		readonly name: string,
		readonly device: RegisteredDevice,
		readonly spammer: boolean,
		seed: number,
		private readonly texts: CrowdTexts
	) {
		this.random = seededRandom(seed);
	}

	private write(text: (writer: Writer) => string): string {
		this.written += 1;
		if (this.spammer) return `${SPAM_MARK} #${this.written} from ${this.name}`;
		return text({ name: this.name, written: this.written, random: this.random });
	}

	/** What this contributor does with a task: a result, or (rarely) a skip. */
	answer(task: Task): { name: string; args: unknown } {
		if (task.type !== 'initial_prompt' && this.random() < 0.04) {
			return {
				name: 'skip_task',
				args: { type: 'skip', taskId: task.id, reason: 'dont_know_enough' }
			};
		}
		switch (task.type) {
			case 'initial_prompt':
				return this.result({
					type: task.type,
					taskId: task.id,
					text: this.write((writer) => this.texts.prompt(writer, task.hint ?? null)),
					lang: task.lang
				});
			case 'prompter_reply':
			case 'assistant_reply':
				return this.result({
					type: task.type,
					taskId: task.id,
					text: this.write((writer) =>
						this.texts.reply(
							task.type === 'assistant_reply' ? 'assistant' : 'prompter',
							task.conversation,
							writer
						)
					),
					lang: task.lang
				});
			case 'sample_assistant_replies':
				// A simulated device's "model" writes what the contributor would have.
				return this.result({
					type: task.type,
					taskId: task.id,
					lang: task.lang,
					replies: Array.from({ length: task.k }, () => ({
						text: this.write((writer) => this.texts.reply('assistant', task.conversation, writer)),
						modelName: 'crowd-sim-model'
					}))
				});
			case 'label_initial_prompt':
			case 'label_prompter_reply':
			case 'label_assistant_reply': {
				const target = task.conversation.at(-1)!.text;
				const labels: Record<string, number> = {};
				for (const name of task.validLabels) {
					const widget = labelDescriptions[name].widget;
					if (name === 'spam') labels[name] = target.includes(SPAM_MARK) ? 1 : 0;
					else if (widget === 'likert') labels[name] = pickOne(likertSteps, this.random);
					else labels[name] = 0;
				}
				return this.result({
					type: task.type,
					taskId: task.id,
					messageId: task.messageId,
					form: task.form,
					labels
				});
			}
			case 'rank_prompter_replies':
			case 'rank_assistant_replies': {
				const scored = task.replies.map((r) => ({
					id: r.id,
					score: this.texts.taste(r.text, task.conversation) + (this.random() - 0.5) * 0.3
				}));
				return this.result({
					type: task.type,
					taskId: task.id,
					ranking: scored.sort((a, b) => b.score - a.score).map((r) => r.id)
				});
			}
		}
	}

	private result(args: unknown) {
		return { name: 'submit_task_result', args };
	}

	nextSeqs(entries: { name: string; args: unknown }[]): Mutation[] {
		return entries.map((e) => ({ seq: this.seq++, ...e }));
	}
}

/** The watcher, made a moderator with the admin token; fails with what to run when it cannot. */
async function claimWatcher(baseUrl: string, adminToken: string): Promise<RegisteredDevice> {
	try {
		const watcher = registeredDeviceSchema.parse(
			await call(baseUrl, 'POST', '/api/devices', null, { displayName: 'sim-watcher' })
		);
		await call(baseUrl, 'POST', '/api/admin/claim', watcher.token, { adminToken });
		return watcher;
	} catch (error) {
		const problem =
			error instanceof HttpError && error.status === 404
				? `the server at ${baseUrl} was started without HEARTH_ADMIN_TOKEN`
				: error instanceof HttpError && error.status === 403
					? `the admin token is not the one the server at ${baseUrl} was started with`
					: error instanceof TypeError
						? `no server answers at ${baseUrl}`
						: null;
		if (problem === null) throw error;
		throw new CrowdSetupError(`${problem}.\n\n${setupHelp()}`, { cause: error });
	}
}

export async function runCrowd(options: CrowdOptions): Promise<CrowdReport> {
	const log = options.log ?? (() => {});
	const random = seededRandom(options.seed);
	// First, so a server that cannot be watched gets no simulated contributors.
	const watcher = await claimWatcher(options.baseUrl, options.adminToken);
	const crowd: SimContributor[] = [];
	for (let i = 0; i < options.contributors; i++) {
		const name = `sim-${options.seed}-${i}`;
		const device = registeredDeviceSchema.parse(
			await call(options.baseUrl, 'POST', '/api/devices', null, { displayName: name })
		);
		crowd.push(
			new SimContributor(
				name,
				device,
				i < options.spammers,
				options.seed * 1000 + i,
				options.texts ?? placeholderTexts
			)
		);
	}
	const readyTrees = async () => {
		const text = (await call(
			options.baseUrl,
			'GET',
			`/api/export?state=ready_for_export&lang=${options.lang}`,
			watcher.token
		)) as string;
		return text.split('\n').filter((line) => line.trim() !== '').length;
	};

	const report: CrowdReport = {
		rounds: 0,
		pushes: 0,
		applied: 0,
		rejected: {},
		promptsWritten: 0,
		readyTrees: 0
	};
	let idleRounds = 0;
	for (let round = 1; round <= options.rounds; round++) {
		report.rounds = round;
		let worked = 0;
		for (const member of shuffled(crowd, random)) {
			// New prompts are rare in a random draw (weight 0.01); the crowd writes them on purpose
			// until it has started enough trees (spam prompts do not count: they will be rejected).
			const type: TaskRequestType =
				!member.spammer && report.promptsWritten < options.trees ? 'initial_prompt' : 'random';
			let leased: LeasedTask[];
			try {
				leased = leaseResponseSchema.parse(
					await call(options.baseUrl, 'POST', '/api/tasks/lease', member.device.token, {
						clientId: member.device.clientId,
						count: type === 'initial_prompt' ? 1 : options.batch,
						lang: options.lang,
						type
					})
				).tasks;
			} catch (error) {
				// A full lease list: this contributor's earlier tasks are all that is left to do.
				if (error instanceof HttpError && error.status === 409) continue;
				throw error;
			}
			if (leased.length === 0) continue;
			const answers = leased.map((l) => member.answer(l.task));
			const pushed = pushResponseSchema.parse(
				await call(options.baseUrl, 'POST', '/api/sync/push', member.device.token, {
					clientId: member.device.clientId,
					mutations: member.nextSeqs(answers)
				})
			);
			report.pushes += 1;
			for (const outcome of pushed.results) {
				if (outcome.status === 'applied') report.applied += 1;
				else report.rejected[outcome.code] = (report.rejected[outcome.code] ?? 0) + 1;
				// A prompt the server refused (a duplicate, say) starts no tree: the crowd writes another.
				if (type === 'initial_prompt' && outcome.status === 'applied') report.promptsWritten += 1;
			}
			worked += leased.length;
			await call(options.baseUrl, 'POST', '/api/sync/pull', member.device.token, {
				clientId: member.device.clientId,
				cursor: null
			});
		}
		report.readyTrees = await readyTrees();
		log(`round ${round}: ${worked} tasks, ${report.readyTrees} trees ready for export`);
		if (options.until ? await options.until() : report.readyTrees >= options.trees) break;
		idleRounds = worked === 0 ? idleRounds + 1 : 0;
		if (idleRounds >= 3) break;
	}
	return report;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			url: { type: 'string', default: 'http://localhost:8787' },
			contributors: { type: 'string', default: '12' },
			trees: { type: 'string', default: '5' },
			seed: { type: 'string', default: '1' },
			spammers: { type: 'string', default: '1' },
			rounds: { type: 'string', default: '400' },
			batch: { type: 'string', default: '5' },
			lang: { type: 'string', default: 'en' },
			'admin-token': { type: 'string', default: process.env.HEARTH_ADMIN_TOKEN }
		}
	});
	const number = (name: keyof typeof values) => {
		const n = Number(values[name]);
		if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
		return n;
	};
	if (!values['admin-token']) {
		throw new CrowdSetupError(`no admin token given.\n\n${setupHelp()}`);
	}
	const report = await runCrowd({
		baseUrl: values.url!,
		contributors: number('contributors'),
		trees: number('trees'),
		seed: number('seed'),
		spammers: number('spammers'),
		rounds: number('rounds'),
		batch: number('batch'),
		lang: values.lang!,
		adminToken: values['admin-token'],
		log: (line) => console.log(line)
	});
	console.log(JSON.stringify(report, null, 2));
	if (report.readyTrees < number('trees')) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	main().catch((error) => {
		console.error(`crowd-sim: ${(error as Error).message}`);
		process.exit(1);
	});
}

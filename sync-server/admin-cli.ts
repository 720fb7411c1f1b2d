// `npm run admin -- <command>`: operator commands on the server's database (the same
// environment as the server: DATABASE_URL or HEARTH_DATA_DIR, HEARTH_TREE_CONFIG).
//
//   promote <userId> [--role admin|moderator|contributor]   set a role (the first admin)
//   import <file> [--state <tree state>]                     oasst trees or messages, .jsonl(.gz)
//   export [--out <file>] [--format trees|messages] [--lang en,de] [--state s1,s2]
//          [--deleted] [--spam] [--no-synthetic] [--anonymize <seed>] [--gzip] [--demo]
//   activate <treeId>… | --all [--reason <text>]              imported trees leave backlog_ranking
//   lottery                                                   run the prompt lottery once
//   trainer-token create|revoke <name>                        a key that reads exports and
//                                                             publishes models, nothing else
//   demo-data load|remove                                     demo trees in every state, to try
//                                                             Contribute (never exported unless
//                                                             --demo, never on the leaderboard)
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { exportQuerySchema } from '../src/lib/protocol/export';
import { summariseIssues } from '../src/lib/protocol/errors';
import { zodIssues } from '../src/lib/shared/zod-issues';
import { roleSchema } from '../src/lib/protocol/identity';
import { treeStateSchema, type TreeState } from '../src/lib/protocol/trees';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { exportJsonLines } from './export/oasst-export';
import { ImportError, ImportFailedError, importOasstFile } from './export/oasst-import';
import { ApiHttpError } from './http/api-error';
import { setRole } from './identity/accounts';
import {
	createTrainerToken,
	revokeTrainerToken,
	TrainerTokenError
} from './identity/trainer-tokens';
import { activateBacklogTrees } from './moderation/actions';
import { createService, type Service } from './service/service';
import { loadServiceOptions, ServiceConfigError } from './service/service-config';
import { DemoDataError, loadDemoData, removeDemoData } from './trees/demo-data';
import { runLotteryNow } from './trees/lottery-runner';

class UsageError extends Error {}

const usage = `usage: npm run admin -- <command>
  promote <userId> [--role admin|moderator|contributor]
  import <file> [--state <tree state>]
  export [--out <file>] [--format trees|messages] [--lang en,de] [--state s1,s2]
         [--deleted] [--spam] [--no-synthetic] [--anonymize <seed>] [--gzip] [--demo]
  activate <treeId>… | --all [--reason <text>]
  lottery
  demo-data load|remove
  trainer-token create|revoke <name>`;

async function withService<T>(work: (service: Service) => Promise<T>): Promise<T> {
	const config = loadConfig(process.env);
	const database = openDatabase(config.database);
	try {
		await migrateToLatest(database.db);
		return await work(createService(database, loadServiceOptions(process.env, process.cwd())));
	} finally {
		await database.close();
	}
}

async function promote(args: string[]): Promise<void> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { role: { type: 'string', default: 'admin' } }
	});
	if (positionals.length !== 1) throw new UsageError('promote takes one user id');
	const role = roleSchema.safeParse(values.role);
	if (!role.success) throw new UsageError(`--role must be one of admin, moderator, contributor`);
	await withService((service) => setRole(service, positionals[0], role.data));
	console.log(`${positionals[0]} is now ${role.data}`);
}

async function importFile(args: string[]): Promise<void> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { state: { type: 'string' } }
	});
	if (positionals.length !== 1) throw new UsageError('import takes one file');
	let state: TreeState | undefined;
	if (values.state !== undefined) {
		const parsed = treeStateSchema.safeParse(values.state);
		if (!parsed.success) throw new UsageError(`--state ${values.state} is not a tree state`);
		state = parsed.data;
	}
	const summary = await withService((service) =>
		importOasstFile(service, positionals[0], { state })
	);
	const empty =
		summary.emptyTrees > 0 ? ` (${summary.emptyTrees} trees without a prompt left out)` : '';
	console.log(
		`imported ${summary.trees} trees, ${summary.messages} messages, ${summary.users} new users${empty}`
	);
}

async function activate(args: string[]): Promise<void> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			all: { type: 'boolean', default: false },
			reason: { type: 'string', default: 'activated by an operator (npm run admin)' }
		}
	});
	const named = positionals.length > 0;
	if (values.all ? named : !named) throw new UsageError('activate takes tree ids or --all');
	const reason = values.reason.trim();
	if (reason === '' || reason.length > 500)
		throw new UsageError('--reason must be 1–500 characters');
	const activated = await withService((service) =>
		activateBacklogTrees(service, values.all ? 'all' : positionals, reason)
	);
	if (!values.all) {
		for (const { treeId, state } of activated) console.log(`${treeId}: ${state}`);
	}
	const counts = new Map<string, number>();
	for (const { state } of activated) counts.set(state, (counts.get(state) ?? 0) + 1);
	const states = [...counts]
		.sort(([a], [b]) => (a < b ? -1 : 1))
		.map(([state, n]) => `${n} ${state}`)
		.join(', ');
	console.log(
		activated.length === 0
			? 'no tree was in backlog_ranking'
			: `activated ${activated.length} trees: ${states}`
	);
}

async function exportFile(args: string[]): Promise<void> {
	const { values } = parseArgs({
		args,
		options: {
			out: { type: 'string' },
			format: { type: 'string' },
			lang: { type: 'string' },
			state: { type: 'string' },
			deleted: { type: 'boolean', default: false },
			spam: { type: 'boolean', default: false },
			'no-synthetic': { type: 'boolean', default: false },
			anonymize: { type: 'string' },
			gzip: { type: 'boolean', default: false },
			demo: { type: 'boolean', default: false }
		}
	});
	// The same checks as GET /api/export.
	const query = exportQuerySchema.safeParse({
		...(values.format ? { format: values.format } : {}),
		...(values.lang ? { lang: values.lang } : {}),
		...(values.state ? { state: values.state } : {}),
		deleted: String(values.deleted),
		spam: String(values.spam),
		synthetic: String(!values['no-synthetic']),
		...(values.anonymize ? { anonymize: values.anonymize } : {}),
		gzip: String(values.gzip || (values.out?.endsWith('.gz') ?? false))
	});
	if (!query.success) {
		throw new UsageError(summariseIssues(zodIssues(query.error, 'option')));
	}
	const { gzip, ...options } = query.data;
	await withService(async (service) => {
		const lines = Readable.from(
			exportJsonLines(service.database.db, { ...options, demo: values.demo })
		);
		const out = values.out ? createWriteStream(values.out) : process.stdout;
		await (gzip ? pipeline(lines, createGzip(), out) : pipeline(lines, out));
	});
}

async function lottery(): Promise<void> {
	const winners = await withService(runLotteryNow);
	console.log(winners.length ? `activated ${winners.join(', ')}` : 'no tree activated');
}

/** `demo-data load`: demo trees in every state, so every kind of task exists; `remove` deletes them. */
async function demoData(args: string[]): Promise<void> {
	const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
	const [action] = positionals;
	if (positionals.length !== 1 || (action !== 'load' && action !== 'remove')) {
		throw new UsageError('demo-data takes load or remove');
	}
	try {
		if (action === 'load') {
			const summary = await withService(loadDemoData);
			const states = Object.entries(summary.states)
				.map(([state, n]) => `${n} ${state}`)
				.join(', ');
			console.log(
				`loaded demo data: ${summary.trees} trees (${states}), ${summary.messages} messages, ` +
					`${summary.users} demo accounts\n` +
					'Contribute now offers every kind of task. Demo trees stay out of exports (unless ' +
					'--demo) and demo accounts off the leaderboard; `npm run admin -- demo-data remove` ' +
					'deletes them with everything done on them.'
			);
		} else {
			const removed = await withService(removeDemoData);
			console.log(
				removed.trees === 0 && removed.users === 0
					? 'no demo data to remove'
					: `removed demo data: ${removed.trees} trees, ${removed.messages} messages, ` +
							`${removed.users} demo accounts`
			);
		}
	} catch (error) {
		if (!(error instanceof DemoDataError)) throw error;
		console.error(`admin: ${error.message}`);
		process.exitCode = 1;
	}
}

async function trainerToken(args: string[]): Promise<void> {
	const [action, name, ...rest] = args;
	if (!['create', 'revoke'].includes(action) || !name || rest.length) {
		throw new UsageError('trainer-token takes create or revoke, and a name');
	}
	if (action === 'create') {
		const token = await withService((service) => createTrainerToken(service, name));
		console.log(
			`trainer ${name} may now read exports and publish models with this token (shown once):\n${token}`
		);
	} else {
		const revoked = await withService((service) => revokeTrainerToken(service, name));
		console.log(revoked ? `revoked trainer ${name}` : `no trainer named ${name}`);
	}
}

async function main(argv: string[]): Promise<void> {
	const [command, ...args] = argv;
	switch (command) {
		case 'promote':
			return promote(args);
		case 'import':
			return importFile(args);
		case 'export':
			return exportFile(args);
		case 'activate':
			return activate(args);
		case 'lottery':
			return lottery();
		case 'demo-data':
			return demoData(args);
		case 'trainer-token':
			return trainerToken(args);
		default:
			throw new UsageError(command ? `unknown command ${command}` : 'no command given');
	}
}

main(process.argv.slice(2)).catch((error: unknown) => {
	if (error instanceof UsageError) {
		console.error(`admin: ${error.message}\n${usage}`);
		process.exit(2);
	}
	const known = [
		ConfigError,
		ServiceConfigError,
		ImportError,
		ImportFailedError,
		ApiHttpError,
		TrainerTokenError
	].some((k) => error instanceof k);
	if (known || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
		console.error(`admin: ${(error as Error).message}`);
		process.exit(1);
	}
	throw error;
});

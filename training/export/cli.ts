// Export stage: a snapshot of the trees the model will learn from, written to
// training/out/<config>/export/ (oasst.jsonl and its manifest). From a running Hearth server's
// export API with the trainer token in HEARTH_TRAINER_TOKEN, or from an oasst file (an export,
// OpenAssistant's own trees or messages file, plain or gzip).
//   npx tsx training/export/cli.ts --config <c> --server <url> [--lang en,de] [--synthetic false] …
//   npx tsx training/export/cli.ts --config <c> --file <oasst.jsonl[.gz]>
import { readFlags, runCli } from '../cli-args';
import { loadConfig, outDir } from '../configs/config';
import { trainerServer } from '../hearth-server';
import { takeSnapshot, type ExportFilters, type SnapshotSource } from './take-snapshot';

const USAGE =
	'npx tsx training/export/cli.ts --config <config.json> (--server <url> [--lang en,de] [--state ready_for_export] [--synthetic true|false] [--deleted false] [--spam false] [--anonymize <seed>] | --file <oasst.jsonl[.gz]>) [--out <dir>]';

const FILTERS = ['lang', 'state', 'synthetic', 'deleted', 'spam', 'anonymize'] as const;

runCli(async () => {
	const flags = readFlags(
		{
			config: { type: 'string', required: true },
			server: { type: 'string' },
			file: { type: 'string' },
			out: { type: 'string' },
			lang: { type: 'string' },
			state: { type: 'string' },
			synthetic: { type: 'string' },
			deleted: { type: 'string' },
			spam: { type: 'string' },
			anonymize: { type: 'string' }
		},
		USAGE
	);
	const config = loadConfig(flags.config);
	const filters: ExportFilters = Object.fromEntries(
		FILTERS.filter((name) => flags[name] !== undefined).map((name) => [name, flags[name]])
	);
	let source: SnapshotSource;
	if (flags.server && !flags.file) {
		source = { server: trainerServer(flags.server, '--server'), filters };
	} else if (flags.file && !flags.server) {
		if (Object.keys(filters).length)
			throw new Error(`--${Object.keys(filters)[0]} filters a server's export, not a file`);
		source = { file: flags.file };
	} else {
		throw new Error(`give either --server or --file\nusage: ${USAGE}`);
	}
	const dir = flags.out ?? outDir(config, 'export');
	const manifest = await takeSnapshot(source, dir);
	const trees = Object.entries(manifest.trees).map(([name, n]) => `${name} ${n}`);
	const messages = Object.entries(manifest.messages).map(
		([name, { human, synthetic }]) => `${name} ${human} human + ${synthetic} synthetic`
	);
	console.log(`export: ${manifest.source}`);
	console.log(`  trees     ${trees.join(', ')}`);
	console.log(`  messages  ${messages.join(', ')}`);
	if (manifest.withdrawn !== undefined) {
		console.log(
			`  withdrawn ${manifest.withdrawn} messages taken back on the server so far (withdrawn.jsonl)`
		);
	}
	console.log(`wrote ${dir}/ (sha-256 ${manifest.sha256.slice(0, 16)}…, ${manifest.bytes} B)`);
});

// Parent stage: the checkpoint of a published version, for the next version to start from,
// written to training/out/<config>/parent/ (config.json, model.safetensors, parent.json,
// manifest.json and the model's files under model/).
//   npx tsx training/parent/cli.ts --config <c> --from <model>@<version|latest> [--registry <dir> | --server <url>] [--out <dir>]
import { readFlags, runCli } from '../cli-args';
import { loadConfig, outDir } from '../configs/config';
import { fetchParent, parseParentRef, type RegistrySource } from './fetch-parent';

const USAGE =
	'npx tsx training/parent/cli.ts --config <config.json> --from <model>@<version|latest> [--registry <dir> | --server <url>] [--out <dir>]';

runCli(async () => {
	const flags = readFlags(
		{
			config: { type: 'string', required: true },
			from: { type: 'string', required: true },
			registry: { type: 'string' },
			server: { type: 'string' },
			out: { type: 'string' }
		},
		USAGE
	);
	const config = loadConfig(flags.config);
	if (flags.registry && flags.server)
		throw new Error(`give --registry or --server, not both\nusage: ${USAGE}`);
	const source: RegistrySource = flags.server
		? { serverUrl: flags.server }
		: { registry: flags.registry ?? 'registry' };
	const dir = flags.out ?? outDir(config, 'parent');
	const manifest = await fetchParent(parseParentRef(flags.from), source, dir);
	const bytes = manifest.checkpoint!.reduce((sum, file) => sum + file.size, 0);
	console.log(
		`parent: ${manifest.model} version ${manifest.version} (${bytes.toLocaleString('en')} B of checkpoint) → ${dir}/`
	);
});

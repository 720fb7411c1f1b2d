// npx tsx training/publish/cli.ts --model <model dir> --name <model name> --report <report.json>
//     --data <data manifest.json> [--checkpoint <dir>] [--registry ./registry | --server <url>]
// --checkpoint publishes the trainer checkpoint the model was built from beside it, so the next
// version can start from it (`--from <model>@<version>`); browsers never download it.
// --parent-manifest (the parent stage's manifest.json) keeps the parent's skills in the list.
// With --server, the version goes to a Hearth server's publish API with the trainer token in
// HEARTH_TRAINER_TOKEN (an environment variable, so it shows in no process list).
// npx tsx training/publish/cli.ts verify [--registry ./registry]
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseVersionManifest, sha256Hex } from '../../src/lib/protocol/registry';
import { parseJsonObject } from '../../src/lib/shared/json-object';
import { trainerServer } from '../hearth-server';
import { publishOverHttp } from './http-publish';
import { publishVersion } from './publish';
import { inheritSkills, readSkills } from './skills';
import { trainingDataOf } from './training-data';
import { verifyRegistry } from './verify';

const USAGE = [
	'usage: publish --model <model dir> --name <model name> --report <report.json> --data <data manifest.json> [--checkpoint <dir>] [--parent-manifest <manifest.json>] [--registry <dir> | --server <url>]',
	'       publish verify [--registry <dir>]'
].join('\n');

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
	}
	return parseJsonObject(text, path);
}

async function main() {
	const { values, positionals } = parseArgs({
		allowPositionals: true,
		options: {
			model: { type: 'string' },
			name: { type: 'string' },
			report: { type: 'string' },
			data: { type: 'string' },
			checkpoint: { type: 'string' },
			'parent-manifest': { type: 'string' },
			registry: { type: 'string', default: './registry' },
			server: { type: 'string' }
		}
	});
	const registry = values.registry!;

	if (positionals[0] === 'verify') {
		const report = await verifyRegistry(registry);
		for (const problem of report.problems) console.error(`  ${problem}`);
		console.log(
			`verify: ${report.blobs} blobs, ${report.manifests} manifests, ${report.problems.length} problems`
		);
		process.exit(report.problems.length ? 1 : 0);
	}
	if (positionals.length || !values.model || !values.name || !values.report || !values.data)
		throw new Error(USAGE);

	const dataManifest = await readJsonObject(values.data);
	const digest = sha256Hex.safeParse(dataManifest.data_digest);
	if (!digest.success)
		throw new Error(`${values.data}: data_digest ${digest.error.issues[0].message}`);
	const evaluation = await readJsonObject(values.report);
	// The skill list comes from the data directory the data manifest lies in.
	const own = await readSkills(dirname(values.data), evaluation);
	const parentManifest = values['parent-manifest'];
	const skills = parentManifest
		? inheritSkills(
				own,
				parseVersionManifest(await readJsonObject(parentManifest), parentManifest).skills ?? [],
				evaluation
			)
		: own;
	const facts = {
		model: values.name,
		modelDir: values.model,
		checkpointDir: values.checkpoint,
		evaluation,
		dataDigest: digest.data,
		skills,
		trainingData: trainingDataOf(dataManifest, values.data)
	};
	const result = values.server
		? await publishOverHttp({ ...facts, server: trainerServer(values.server, '--server') })
		: await publishVersion({ ...facts, registry });
	const { manifest } = result;
	console.log(
		`publish: ${manifest.model} version ${manifest.version} (parent ${manifest.parent ?? 'none'}): ` +
			`${manifest.files.length} files, ${result.newBlobs} new blobs (${result.bytesAdded.toLocaleString('en')} B), ` +
			`${result.reusedBlobs} already there, ${skills?.length ?? 'no'} skills listed → ${result.manifestPath}`
	);
}

main().catch((error: Error) => {
	console.error(`publish: ${error.message}`);
	process.exit(1);
});

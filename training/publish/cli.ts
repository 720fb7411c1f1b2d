// npx tsx training/publish/cli.ts --model <model dir> --name <model name> --report <report.json>
//     --data <data manifest.json> [--registry ./registry]
// npx tsx training/publish/cli.ts verify [--registry ./registry]
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256Hex } from '../../src/lib/protocol/registry';
import { publishVersion } from './publish';
import { readSkills } from './skills';
import { verifyRegistry } from './verify';

const USAGE = [
	'usage: publish --model <model dir> --name <model name> --report <report.json> --data <data manifest.json> [--registry <dir>]',
	'       publish verify [--registry <dir>]'
].join('\n');

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
	let value: unknown;
	try {
		value = JSON.parse(await readFile(path, 'utf8'));
	} catch (error) {
		throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new Error(`${path}: expected a JSON object`);
	}
	return value as Record<string, unknown>;
}

async function main() {
	const { values, positionals } = parseArgs({
		allowPositionals: true,
		options: {
			model: { type: 'string' },
			name: { type: 'string' },
			report: { type: 'string' },
			data: { type: 'string' },
			registry: { type: 'string', default: './registry' }
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
	const skills = await readSkills(dirname(values.data), evaluation);
	const result = await publishVersion({
		registry,
		model: values.name,
		modelDir: values.model,
		evaluation,
		dataDigest: digest.data,
		skills
	});
	const { manifest } = result;
	console.log(
		`publish: ${manifest.model} version ${manifest.version} (parent ${manifest.parent ?? 'none'}): ` +
			`${manifest.files.length} files, ${result.newBlobs} new blobs (${result.bytesAdded.toLocaleString('en')} B), ` +
			`${result.reusedBlobs} reused, ${skills?.length ?? 'no'} skills listed → ${result.manifestPath}`
	);
}

main().catch((error: Error) => {
	console.error(`publish: ${error.message}`);
	process.exit(1);
});

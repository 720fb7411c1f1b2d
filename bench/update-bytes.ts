// Bytes a browser fetches to update from a version's parent to the version: the blobs of the
// child's files that the parent's files do not already hold (the browser keeps blobs by
// sha-256), against the whole model and against k/L of it, where k of the L transformer layers
// changed (a layer counts as changed when any of its external-data files did). The goal for a
// fine-tune confined to k layers: at most k/L of the size plus 1 %.
//   npx tsx bench/update-bytes.ts --registry <dir> --model <name> [--version <n>] (default: latest)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
	parseRegistryIndex,
	parseVersionManifest,
	registryPaths,
	type VersionManifest
} from '../src/lib/protocol/registry';

const { values } = parseArgs({
	options: {
		registry: { type: 'string', default: 'registry' },
		model: { type: 'string' },
		version: { type: 'string' }
	}
});
if (!values.model) {
	console.error(
		'usage: npx tsx bench/update-bytes.ts --registry <dir> --model <name> [--version <n>]'
	);
	process.exit(1);
}
const registry = values.registry!;
const model = values.model;

const readJson = async (path: string) =>
	JSON.parse(await readFile(join(registry, path), 'utf8')) as unknown;
const manifestOf = async (version: number): Promise<VersionManifest> =>
	parseVersionManifest(
		await readJson(registryPaths.manifest(model, version)),
		registryPaths.manifest(model, version)
	);

const index = parseRegistryIndex(await readJson(registryPaths.index(model)), model);
const child = await manifestOf(values.version ? Number(values.version) : index.latest);
if (child.parent === null) {
	console.error(`${model} version ${child.version} has no parent to update from`);
	process.exit(1);
}
const parent = await manifestOf(child.parent);

const held = new Set(parent.files.map((f) => f.sha256));
const whole = child.files.reduce((n, f) => n + f.size, 0);
const fetched = new Map<string, number>();
for (const file of child.files) if (!held.has(file.sha256)) fetched.set(file.sha256, file.size);
const fetchedBytes = [...fetched.values()].reduce((n, size) => n + size, 0);

const layerOf = (path: string) => /\.layer\.(\d+)\./.exec(path)?.[1];
const layers = new Set(child.files.map((f) => layerOf(f.path)).filter((l) => l !== undefined));
const changedLayers = new Set(
	child.files
		.filter((f) => !held.has(f.sha256))
		.map((f) => layerOf(f.path))
		.filter((l) => l !== undefined)
);
const share = layers.size ? changedLayers.size / layers.size : 1;
const goal = whole * (share + 0.01);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

console.log(`${model}: version ${parent.version} → ${child.version}`);
console.log(`  whole model (what a new browser downloads)  ${kib(whole)}`);
console.log(
	`  layers changed                               ${changedLayers.size} of ${layers.size} (k/L = ${share.toFixed(3)})`
);
console.log(
	`  fetched by a browser holding the parent      ${kib(fetchedBytes)} in ${fetched.size} blobs`
);
console.log(`  fetched / whole                              ${(fetchedBytes / whole).toFixed(3)}`);
console.log(
	`  fetched / (k/L · whole)                      ${(fetchedBytes / (share * whole)).toFixed(3)}`
);
console.log(
	`  goal ≤ (k/L + 1 %) · whole = ${kib(goal)}: ${fetchedBytes <= goal ? 'met' : 'NOT met'}`
);

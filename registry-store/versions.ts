// The versions of a model in a registry folder, and committing a new one: its manifest first
// (created, never replaced), then the index that browsers read to find the latest. A reader sees
// the old index or the new one, and the new one only names a manifest whose blobs are all there.
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { registryPaths, type VersionManifest } from '../src/lib/protocol/registry';
import { createFileAtomic, writeFileAtomic } from './files';

/** Version numbers with a manifest file, ascending. */
export async function publishedVersions(modelDir: string): Promise<number[]> {
	let names: string[];
	try {
		names = await readdir(join(modelDir, 'versions'));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	return names
		.map((name) => /^([1-9]\d*)\.json$/.exec(name)?.[1])
		.filter((n): n is string => n !== undefined)
		.map(Number)
		.sort((a, b) => a - b);
}

/** Another publisher took this version number first. */
export class VersionTaken extends Error {
	constructor(
		readonly manifestPath: string,
		readonly version: number
	) {
		super(`${manifestPath}: version ${version} was published by someone else meanwhile`);
	}
}

/**
 * Writes the manifest of a version whose blobs are all in the registry, then the index. Throws
 * VersionTaken when the version exists. The index is rebuilt from the manifests present, so a
 * publish that died between the two steps is repaired by the next one.
 */
export async function commitVersion(registry: string, manifest: VersionManifest): Promise<string> {
	const manifestPath = join(registry, registryPaths.manifest(manifest.model, manifest.version));
	await mkdir(dirname(manifestPath), { recursive: true });
	try {
		await createFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		throw new VersionTaken(manifestPath, manifest.version);
	}
	const versions = await publishedVersions(join(registry, manifest.model));
	const index = { model: manifest.model, latest: versions[versions.length - 1], versions };
	await writeFileAtomic(
		join(registry, registryPaths.index(manifest.model)),
		JSON.stringify(index, null, 2) + '\n'
	);
	return manifestPath;
}

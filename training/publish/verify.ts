// Checks a registry end to end: every blob's bytes hash to its name, every manifest is valid
// and every file it lists is a blob of the listed size and hash, every index matches the
// manifests present. Problems are collected, not thrown, so one run reports them all.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
	manifestBlobs,
	parseRegistryIndex,
	parseVersionManifest,
	registryPaths
} from '../../src/lib/protocol/registry';
import { sha256OfFile } from '../../registry-store/files';
import { publishedVersions } from '../../registry-store/versions';

export interface VerifyReport {
	blobs: number;
	manifests: number;
	/** Each names the registry-relative file it is about. */
	problems: string[];
}

export async function verifyRegistry(registry: string): Promise<VerifyReport> {
	const problems: string[] = [];
	// blob name → the hash of its bytes
	const blobHashes = new Map<string, string>();
	const blobDir = join(registry, 'blobs', 'sha256');
	for (const name of await readdirOrEmpty(blobDir)) {
		const where = `blobs/sha256/${name}`;
		if (name.startsWith('.tmp-')) {
			problems.push(`${where}: leftover temporary file of an interrupted write`);
			continue;
		}
		const actual = await sha256OfFile(join(blobDir, name));
		blobHashes.set(name, actual);
		if (actual !== name) problems.push(`${where}: content has sha256 ${actual}`);
	}

	let manifests = 0;
	for (const model of await readdirOrEmpty(registry)) {
		if (model === 'blobs' || !(await stat(join(registry, model))).isDirectory()) continue;
		const versions = await publishedVersions(join(registry, model));
		for (const version of versions) {
			manifests++;
			const where = registryPaths.manifest(model, version);
			try {
				const manifest = parseVersionManifest(
					JSON.parse(await readFile(join(registry, where), 'utf8')),
					where
				);
				if (manifest.model !== model || manifest.version !== version) {
					problems.push(`${where}: names ${manifest.model} version ${manifest.version}`);
				}
				for (const file of manifestBlobs(manifest)) {
					const actual = blobHashes.get(file.sha256);
					if (actual === undefined) {
						problems.push(
							`${where}: ${file.path}: expected sha256 ${file.sha256}, but no blob has it`
						);
						continue;
					}
					if (actual !== file.sha256) {
						problems.push(
							`${where}: ${file.path}: expected sha256 ${file.sha256}, actual ${actual}`
						);
					}
					const { size } = await stat(join(registry, registryPaths.blob(file.sha256)));
					if (size !== file.size)
						problems.push(`${where}: ${file.path}: expected ${file.size} bytes, actual ${size}`);
				}
			} catch (error) {
				problems.push(located(where, error));
			}
		}
		const where = registryPaths.index(model);
		try {
			const index = parseRegistryIndex(
				JSON.parse(await readFile(join(registry, where), 'utf8')),
				where
			);
			if (
				index.versions.join() !== versions.join() ||
				index.latest !== versions[versions.length - 1]
			) {
				problems.push(
					`${where}: lists versions [${index.versions.join(', ')}] latest ${index.latest}, manifests present: [${versions.join(', ')}]`
				);
			}
		} catch (error) {
			problems.push(located(where, error));
		}
	}
	return { blobs: blobHashes.size, manifests, problems };
}

async function readdirOrEmpty(path: string): Promise<string[]> {
	try {
		return (await readdir(path)).sort();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
}

/** The error's message, prefixed with the file it is about unless it already names it. */
function located(where: string, error: unknown): string {
	const message = (error as Error).message;
	return message.startsWith(where) ? message : `${where}: ${message}`;
}

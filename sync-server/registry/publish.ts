// Publishing into the served registry, step by step, for the publish API: a blob is stored only
// when its bytes hash to its name; a version only when it follows the latest, names the latest as
// its parent and every blob it lists is present with its size and hash. Each step only adds, and
// the index moves last, so a browser never sees a half-published version, and an interrupted
// publish resumes by sending the blobs still missing.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
	manifestBlobs,
	registryPaths,
	type VersionManifest
} from '../../src/lib/protocol/registry';
import { sha256OfFile, storeBlobVerified } from '../../registry-store/files';
import { commitVersion, publishedVersions } from '../../registry-store/versions';

/** Why a step was refused: `status` is the HTTP status the API answers with. */
export class PublishRefused extends Error {
	constructor(
		readonly status: 400 | 409 | 413,
		message: string
	) {
		super(message);
	}
}

/** Whether the blob is stored; `created` is false when it already was (uploads are idempotent). */
export async function storeBlob(
	registry: string,
	sha256: string,
	chunks: AsyncIterable<Uint8Array>,
	maxBytes: number
): Promise<{ created: boolean; size: number }> {
	const target = join(registry, registryPaths.blob(sha256));
	const present = await sizeOf(target);
	if (present !== null) return { created: false, size: present };
	await mkdir(join(registry, 'blobs', 'sha256'), { recursive: true });
	const size = await storeBlobVerified(chunks, target, sha256, {
		source: 'the uploaded bytes',
		maxBytes
	});
	return { created: true, size };
}

/**
 * Commits `manifest` as the next version of its model once every check passes. Versions of one
 * model are committed one at a time by the publish routes; a second process racing for the
 * same number loses at the manifest's exclusive create.
 */
export async function publishManifest(registry: string, manifest: VersionManifest): Promise<void> {
	const versions = await publishedVersions(join(registry, manifest.model));
	const latest = versions.at(-1) ?? null;
	if (latest !== null && manifest.version <= latest) {
		throw new PublishRefused(
			409,
			`${manifest.model} version ${manifest.version} is already published (the latest is ${latest})`
		);
	}
	if (manifest.version !== (latest ?? 0) + 1) {
		throw new PublishRefused(
			409,
			`${manifest.model} version ${manifest.version} does not follow the latest, ${latest ?? 'none'}: publish version ${(latest ?? 0) + 1}`
		);
	}
	if (manifest.parent !== latest) {
		throw new PublishRefused(
			409,
			`the parent of ${manifest.model} version ${manifest.version} must be the latest version, ${latest ?? 'none (null)'}, not ${manifest.parent ?? 'null'}`
		);
	}
	const problems: string[] = [];
	for (const { path, sha256, size } of manifestBlobs(manifest)) {
		const blob = join(registry, registryPaths.blob(sha256));
		const stored = await sizeOf(blob);
		if (stored === null) problems.push(`${path}: blob ${sha256} was not uploaded`);
		else if (stored !== size) problems.push(`${path}: blob ${sha256} has ${stored} bytes, not ${size}`);
		else if ((await sha256OfFile(blob)) !== sha256) problems.push(`${path}: blob ${sha256} is damaged`);
	}
	if (problems.length) {
		throw new PublishRefused(400, `the manifest's blobs are not all there: ${problems.join('; ')}`);
	}
	await commitVersion(registry, manifest);
}

async function sizeOf(path: string): Promise<number | null> {
	try {
		return (await stat(path)).size;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
}

// File operations the registry is built from, by the pipeline's local publish and by the
// server's publish API alike: hashing, listing a model directory, and writes that readers see
// whole or not at all (a temporary name in the same directory, then rename).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, open, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

export async function sha256OfFile(path: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(createReadStream(path), hash);
	return hash.digest('hex');
}

/** Every file under `root` (symbolic links included), as sorted POSIX paths relative to it. */
export async function listFiles(root: string): Promise<string[]> {
	const entries = await readdir(root, { recursive: true, withFileTypes: true });
	return entries
		.filter((entry) => entry.isFile() || entry.isSymbolicLink())
		.map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
		.sort();
}

/** A name next to `path` that no other writer uses. */
export function temporaryName(path: string): string {
	return join(dirname(path), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
	const handle = await open(path, 'wx');
	try {
		await handle.writeFile(data);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Replaces `path` with `data` atomically. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
	const temporary = temporaryName(path);
	try {
		await writeDurably(temporary, data);
		await rename(temporary, path);
	} catch (error) {
		await unlink(temporary).catch(() => {});
		throw error;
	}
}

/**
 * Creates `path` with `data` atomically, failing with EEXIST when it already exists (a hard
 * link, unlike rename, never replaces its target) — how two publishers racing for the same
 * version number find out.
 */
export async function createFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
	const temporary = temporaryName(path);
	try {
		await writeDurably(temporary, data);
		await link(temporary, path);
	} finally {
		await unlink(temporary).catch(() => {});
	}
}

/** The bytes stored did not hash to the name they were sent under. */
export class BlobHashMismatch extends Error {
	constructor(
		readonly expected: string,
		readonly actual: string,
		source: string
	) {
		super(`${source} hashes to sha256 ${actual}, not ${expected}`);
	}
}

/** More bytes came than a blob may have. */
export class BlobTooLarge extends Error {
	constructor(readonly limit: number) {
		super(`a blob may have at most ${limit} bytes`);
	}
}

/**
 * Writes `chunks` to `target` atomically, and only when they hash to `sha256`: a blob is either
 * whole and right under its name, or absent. Returns its size. Throws BlobHashMismatch,
 * BlobTooLarge, or whatever ended the chunks early (a dropped upload), leaving nothing behind.
 */
export async function storeBlobVerified(
	chunks: AsyncIterable<Uint8Array>,
	target: string,
	sha256: string,
	{ source = target, maxBytes = Infinity }: { source?: string; maxBytes?: number } = {}
): Promise<number> {
	const temporary = temporaryName(target);
	try {
		const hash = createHash('sha256');
		let size = 0;
		const handle = await open(temporary, 'wx');
		try {
			for await (const chunk of chunks) {
				size += chunk.byteLength;
				if (size > maxBytes) throw new BlobTooLarge(maxBytes);
				hash.update(chunk);
				await handle.write(chunk);
			}
			await handle.sync();
		} finally {
			await handle.close();
		}
		const actual = hash.digest('hex');
		if (actual !== sha256) throw new BlobHashMismatch(sha256, actual, source);
		await rename(temporary, target);
		return size;
	} catch (error) {
		await unlink(temporary).catch(() => {});
		throw error;
	}
}

/**
 * Copies `source` to `target` atomically, checking that the bytes copied hash to `sha256`
 * (the source could change between hashing and copying).
 */
export async function copyFileVerified(
	source: string,
	target: string,
	sha256: string
): Promise<void> {
	try {
		await storeBlobVerified(createReadStream(source), target, sha256, { source });
	} catch (error) {
		if (!(error instanceof BlobHashMismatch)) throw error;
		throw new Error(
			`${source} changed while being published (sha256 ${sha256}, then ${error.actual})`,
			{ cause: error }
		);
	}
}

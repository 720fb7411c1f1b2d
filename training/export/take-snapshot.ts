// The export stage's work: a snapshot of the trees to learn from, taken from a Hearth server's
// export API (with a trainer token) or from an oasst file, written to one plain JSONL file beside
// a manifest that names where it came from, its sha-256 and what it holds. The file is hashed as
// it is written and checked by the same reader the datasets stage uses, so a snapshot that would
// fail later fails here, and the manifest appears only once the file is complete and readable.
import { createHash } from 'node:crypto';
import {
	createWriteStream,
	existsSync,
	mkdirSync,
	readFileSync,
	renameSync,
	rmSync
} from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseTrees, readOasstFile } from '../datasets/read-trees';
import { readFileNamed, writeFileAtomic } from '../files';
import { z } from 'zod';
import { withdrawnMessageSchema } from '../../src/lib/protocol/donations';
import { sha256Hex } from '../../src/lib/protocol/registry';
import { parseJsonObject } from '../../src/lib/shared/json-object';
import { zodProblems } from '../../src/lib/shared/zod-issues';
import type { OasstTree } from '../datasets/oasst-tree';
import { callServer, type Server } from '../hearth-server';
import { countSnapshot } from './snapshot';

export const SNAPSHOT_FILE = 'oasst.jsonl';
export const SNAPSHOT_MANIFEST = 'manifest.json';
/** From a server: every message erased there so far (GET /api/export/withdrawn), one per line. */
export const WITHDRAWN_FILE = 'withdrawn.jsonl';

/** The server export's filters (GET /api/export), as its query names them. */
export interface ExportFilters {
	lang?: string;
	state?: string;
	synthetic?: string;
	deleted?: string;
	spam?: string;
	anonymize?: string;
}

export type SnapshotSource = { server: Server; filters: ExportFilters } | { file: string };

export const snapshotManifestSchema = z.object({
	/** The export URL (its query names the filters) or the file read; never the token. */
	source: z.string(),
	taken_at: z.iso.datetime(),
	sha256: sha256Hex,
	bytes: z.number().int().nonnegative(),
	trees: z.record(z.string(), z.number().int().nonnegative()),
	messages: z.record(
		z.string(),
		z.object({ human: z.number().int().nonnegative(), synthetic: z.number().int().nonnegative() })
	),
	/**
	 * From a server: how many messages its people have taken back so far (withdrawn chats,
	 * deleted accounts). The export already leaves them out; `withdrawn.jsonl` lists them under
	 * the export's ids so that copies of earlier snapshots can drop them too.
	 */
	withdrawn: z.number().int().nonnegative().optional()
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

export async function takeSnapshot(
	source: SnapshotSource,
	dir: string,
	now = new Date()
): Promise<SnapshotManifest> {
	mkdirSync(dir, { recursive: true });
	// An older manifest must not vouch for a file this run failed to replace.
	rmSync(join(dir, SNAPSHOT_MANIFEST), { force: true });
	const target = join(dir, SNAPSHOT_FILE);
	const temporary = `${target}.tmp-${process.pid}`;
	const hash = createHash('sha256');
	let bytes = 0;
	const counting = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			hash.update(chunk);
			bytes += chunk.length;
			done(null, chunk);
		}
	});
	let where: string;
	let withdrawn: number | undefined;
	try {
		if ('server' in source) {
			const query = new URLSearchParams({ format: 'trees', ...source.filters });
			const path = `/api/export?${query}`;
			where = new URL(path, source.server.url).href;
			const response = await callServer(source.server, 'GET', path, { expect: [200] });
			if (!response.body) throw new Error(`GET ${where}: empty answer`);
			await pipeline(
				Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
				counting,
				createWriteStream(temporary)
			);
		} else {
			where = source.file;
			const text = readOasstFile(source.file);
			await pipeline(Readable.from([Buffer.from(text)]), counting, createWriteStream(temporary));
		}
		// The same reader as the datasets stage: a line it would refuse stops the export instead.
		const trees = parseTrees(readFileSync(temporary, 'utf8'), where);
		if (trees.length === 0) throw new Error(`${where}: no trees to learn from`);
		renameSync(temporary, target);
		if ('server' in source) withdrawn = await saveWithdrawn(source, join(dir, WITHDRAWN_FILE));
		const manifest: SnapshotManifest = {
			source: where,
			taken_at: now.toISOString(),
			sha256: hash.digest('hex'),
			bytes,
			...countSnapshot(trees),
			...(withdrawn === undefined ? {} : { withdrawn })
		};
		writeFileAtomic(join(dir, SNAPSHOT_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
		return manifest;
	} catch (error) {
		rmSync(temporary, { force: true });
		throw error;
	}
}

/** A snapshot the export stage wrote: its manifest and its trees, checked against each other. */
/** Writes the server's list of erased messages, under the export's ids; returns how many. */
async function saveWithdrawn(
	source: { server: Server; filters: ExportFilters },
	path: string
): Promise<number> {
	const { anonymize } = source.filters;
	const query = anonymize === undefined ? '' : `?${new URLSearchParams({ anonymize })}`;
	const response = await callServer(source.server, 'GET', `/api/export/withdrawn${query}`, {
		expect: [200]
	});
	const text = await response.text();
	for (const [i, line] of text.split('\n').entries()) {
		if (line !== '' && !withdrawnMessageSchema.safeParse(JSON.parse(line)).success) {
			throw new Error(
				`${source.server.url}/api/export/withdrawn line ${i + 1}: not a withdrawn message`
			);
		}
	}
	writeFileAtomic(path, text);
	return text.split('\n').filter((line) => line !== '').length;
}

export function readSnapshot(dir: string): { manifest: SnapshotManifest; trees: OasstTree[] } {
	const manifestPath = join(dir, SNAPSHOT_MANIFEST);
	if (!existsSync(manifestPath))
		throw new Error(`${manifestPath}: no snapshot here; run the export stage first`);
	const text = readFileNamed(manifestPath).toString('utf8');
	const parsed = snapshotManifestSchema.safeParse(parseJsonObject(text, manifestPath));
	if (!parsed.success) throw new Error(`${manifestPath}: ${zodProblems(parsed.error).join('; ')}`);
	const manifest = parsed.data;
	const path = join(dir, SNAPSHOT_FILE);
	const trees = readOasstFile(path);
	const sha256 = createHash('sha256').update(trees).digest('hex');
	if (sha256 !== manifest.sha256) {
		throw new Error(`${path}: sha-256 ${sha256} is not the ${manifest.sha256} its manifest names`);
	}
	return { manifest, trees: parseTrees(trees, path) };
}

// The parent stage's work: the trained weights of a published version, which the next version
// fine-tunes (`--from <model>@<version|latest>`), and its model files, on which the gate
// evaluates it beside the new version. They come from a registry folder or from a Hearth
// server's public registry, each blob checked against the sha-256 its manifest lists: the
// checkpoint is written where the trainer's --init reads it, the model under `model/`, the
// version's manifest beside them.
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import {
	parseRegistryIndex,
	parseVersionManifest,
	registryPaths,
	type VersionManifest
} from '../../src/lib/protocol/registry';
import { BlobHashMismatch, storeBlobVerified } from '../../registry-store/files';
import { readFileNamed, writeFileAtomic } from '../files';
import { callServer } from '../hearth-server';

export interface ParentRef {
	model: string;
	version: number | 'latest';
}

/** Where published versions are read: a registry folder, or a server's `/registry/`. */
export type RegistrySource = { registry: string } | { serverUrl: string };

export const PARENT_FILE = 'parent.json';
/**
 * The parent's version manifest as published: its own evaluation, e.g. its reward model's
 * accuracy on its own held-out pairs, which the gate shows beside the new version's.
 */
export const PARENT_MANIFEST = 'manifest.json';
export const PARENT_MODEL_DIR = 'model';
/** Where the pipeline's evaluate-parent stage writes the parent's figures on this run's data. */
export const PARENT_REPORT = 'report.json';

/** `hearth-demo@3` or `hearth-demo@latest`. */
export function parseParentRef(text: string): ParentRef {
	const match = /^([a-z0-9-]+)@(latest|[1-9]\d*)$/.exec(text);
	if (!match) {
		throw new Error(
			`--from ${text}: expected <model>@<version> or <model>@latest, e.g. hearth-demo@latest`
		);
	}
	return { model: match[1], version: match[2] === 'latest' ? 'latest' : Number(match[2]) };
}

export async function fetchParent(
	ref: ParentRef,
	source: RegistrySource,
	dir: string
): Promise<VersionManifest> {
	const where = 'registry' in source ? source.registry : `${source.serverUrl}/registry`;
	let version = ref.version;
	if (version === 'latest') {
		const path = registryPaths.index(ref.model);
		version = parseRegistryIndex(await readJson(source, path), `${where}/${path}`).latest;
	}
	const path = registryPaths.manifest(ref.model, version);
	const manifest = parseVersionManifest(await readJson(source, path), `${where}/${path}`);
	if (!manifest.checkpoint) {
		throw new Error(
			`${ref.model} version ${version} was published without its checkpoint, so nothing can start from it; ` +
				'start from a Hugging Face model directory instead, or publish a version with the current pipeline'
		);
	}
	// A directory that mixed files of two parents would train from neither.
	await rm(dir, { recursive: true, force: true });
	await mkdir(dir, { recursive: true });
	const wanted = [
		...manifest.checkpoint,
		...manifest.files.map((file) => ({ ...file, path: `${PARENT_MODEL_DIR}/${file.path}` }))
	];
	for (const file of wanted) {
		const blob = registryPaths.blob(file.sha256);
		const target = join(dir, file.path);
		await mkdir(dirname(target), { recursive: true });
		try {
			await storeBlobVerified(await blobChunks(source, blob), target, file.sha256, {
				source: `${where}/${blob}`
			});
		} catch (error) {
			if (!(error instanceof BlobHashMismatch)) throw error;
			throw new Error(
				`${ref.model} version ${version}: ${file.path} is damaged in the registry (${error.message})`,
				{ cause: error }
			);
		}
	}
	writeFileAtomic(join(dir, PARENT_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
	writeFileAtomic(
		join(dir, PARENT_FILE),
		JSON.stringify({ model: manifest.model, version: manifest.version }, null, 2) + '\n'
	);
	return manifest;
}

async function readJson(source: RegistrySource, path: string): Promise<unknown> {
	let text: string;
	if ('registry' in source) {
		text = readFileNamed(join(source.registry, path)).toString('utf8');
	} else {
		const response = await callServer(anonymous(source), 'GET', `/registry/${path}`, {
			expect: [200],
			auth: false
		});
		text = await response.text();
	}
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
	}
}

async function blobChunks(
	source: RegistrySource,
	path: string
): Promise<AsyncIterable<Uint8Array>> {
	if ('registry' in source) return createReadStream(join(source.registry, path));
	const response = await callServer(anonymous(source), 'GET', `/registry/${path}`, {
		expect: [200],
		auth: false
	});
	if (!response.body) throw new Error(`GET ${source.serverUrl}/registry/${path}: empty answer`);
	return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
}

/** The public registry needs no token. */
function anonymous(source: { serverUrl: string }) {
	return { url: source.serverUrl, token: '' };
}

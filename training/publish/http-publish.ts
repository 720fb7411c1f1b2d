// Publishes a model directory to a Hearth server over its publish API, with a trainer token
// (sync-server/sync/API.md, "Publishing models"): the blobs the server lacks, then the manifest.
// Asking first makes an interrupted publish resume where it stopped, sending only what is
// missing; the server commits the version only once every blob is there.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parseRegistryIndex, registryPaths } from '../../src/lib/protocol/registry';
import { callServer as call, type Server } from '../hearth-server';
import {
	nextManifest,
	storeEachBlob,
	type ModelFile,
	type PublishResult,
	type VersionFacts,
	type VersionSources
} from './publish';

export async function publishOverHttp(
	options: VersionFacts & VersionSources & { server: Server }
): Promise<PublishResult> {
	const { server } = options;
	let newBlobs = 0;
	let reusedBlobs = 0;
	let bytesAdded = 0;
	const send = async ({ source, sha256, size }: ModelFile) => {
		const present = await call(server, 'HEAD', `/registry/${registryPaths.blob(sha256)}`, {
			expect: [200, 404],
			auth: false
		});
		if (present.status === 200) {
			reusedBlobs++;
			return;
		}
		await call(server, 'PUT', `/api/registry/blobs/${sha256}`, {
			expect: [200, 201],
			headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
			body: Readable.toWeb(createReadStream(source)) as ReadableStream
		});
		newBlobs++;
		bytesAdded += size;
	};
	const files = await storeEachBlob(options.model, options, send);

	const index = await call(server, 'GET', `/registry/${registryPaths.index(options.model)}`, {
		expect: [200, 404],
		auth: false
	});
	const latest =
		index.status === 200
			? parseRegistryIndex(await index.json(), `${server.url} index of ${options.model}`).latest
			: null;
	const manifest = nextManifest(options, files, latest);
	const path = `/api/registry/models/${manifest.model}/versions/${manifest.version}`;
	await call(server, 'PUT', path, {
		expect: [201],
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(manifest)
	});
	const manifestPath = new URL(
		`/registry/${registryPaths.manifest(manifest.model, manifest.version)}`,
		server.url
	).href;
	return { manifest, manifestPath, newBlobs, reusedBlobs, bytesAdded };
}

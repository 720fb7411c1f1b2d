// Publishes a model directory to a Hearth server over its publish API, with a trainer token
// (sync-server/sync/API.md, "Publishing models"): the blobs the server lacks, then the manifest.
// Asking first makes an interrupted publish resume where it stopped, sending only what is
// missing; the server commits the version only once every blob is there.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { parseRegistryIndex, registryPaths } from '../../src/lib/protocol/registry';
import {
	nextManifest,
	storeEachBlob,
	type ModelFile,
	type PublishResult,
	type VersionFacts
} from './publish';

export interface Server {
	/** The server's origin, e.g. `https://hearth.example.org`. */
	url: string;
	/** A trainer token (`npm run admin -- trainer-token create <name>` on the server). */
	token: string;
}

export async function publishOverHttp(
	options: VersionFacts & { server: Server; modelDir: string }
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
	const files = await storeEachBlob(options.model, options.modelDir, send);

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

/** One request; any status outside `expect` becomes an error naming the server's reason. */
async function call(
	server: Server,
	method: string,
	path: string,
	options: {
		expect: number[];
		auth?: boolean;
		headers?: Record<string, string>;
		body?: string | ReadableStream;
	}
): Promise<Response> {
	const url = new URL(path, server.url);
	let response: Response;
	try {
		response = await fetch(url, {
			method,
			headers: {
				...(options.auth === false ? {} : { authorization: `Bearer ${server.token}` }),
				...options.headers
			},
			body: options.body,
			// A stream body goes out as it is read, not buffered first.
			...(options.body instanceof ReadableStream ? { duplex: 'half' } : {})
		} as RequestInit);
	} catch (error) {
		throw new Error(`${method} ${url}: ${(error as Error).message}`, { cause: error });
	}
	if (options.expect.includes(response.status)) return response;
	const text = await response.text();
	const parsed = apiErrorSchema.safeParse(safeJson(text));
	const reason = parsed.success ? parsed.data.error.message : text.slice(0, 200);
	throw new Error(`${method} ${url}: HTTP ${response.status}: ${reason}`);
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

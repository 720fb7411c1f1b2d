// The publish API, for trainer tokens (npm run admin -- trainer-token create <name>):
//   PUT /api/registry/blobs/:sha256                      the bytes (application/octet-stream),
//       201 stored, 200 already there; refused when they hash to another name or pass the limit
//   PUT /api/registry/models/:model/versions/:version    the version's manifest (JSON), 201
//       once its blobs are all there, its version follows the latest and its parent is that
// Blobs first, the manifest last: see publish.ts for what each step guarantees.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
	registryModelName,
	sha256Hex,
	versionManifest,
	type VersionManifest
} from '../../src/lib/protocol/registry';
import { zodIssues } from '../../src/lib/shared/zod-issues';
import { BlobHashMismatch, BlobTooLarge } from '../../registry-store/files';
import { authenticateTrainer } from '../identity/trainer-tokens';
import { ApiHttpError } from '../http/api-error';
import type { ZodTypeProvider } from '../http/zod-validation';
import type { Service } from '../service/service';
import { PublishRefused, publishManifest, storeBlob } from './publish';

const blobParams = z.object({ sha256: sha256Hex });
const versionParams = z.object({
	model: registryModelName,
	version: z.coerce.number().int().positive()
});

export function publishRoutes(app: FastifyInstance, service: Service, registryDir: string): void {
	const { maxBlobBytes } = service.config.publish;
	const byModel = new Map<string, Promise<unknown>>();
	/** One commit at a time per model, so two publishers of the same model queue up. */
	const serially = <T>(model: string, work: () => Promise<T>): Promise<T> => {
		const run = (byModel.get(model) ?? Promise.resolve()).then(work, work);
		byModel.set(model, run.catch(() => {}));
		return run;
	};

	app.register(async (scope) => {
		// The bytes stream to disk as they come, hashed on the way; never held in memory.
		scope.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
			done(null, payload)
		);
		scope
			.withTypeProvider<ZodTypeProvider>()
			.put(
				'/api/registry/blobs/:sha256',
				{ schema: { params: blobParams } },
				async (request, reply) => {
					await authenticateTrainer(service, request);
					const declared = declaredLength(request);
					if (declared !== null && declared > maxBlobBytes) {
						throw new ApiHttpError(
							413,
							'payload_too_large',
							`a blob may have at most ${maxBlobBytes} bytes; this one declares ${declared}`
						);
					}
					const body = request.body as AsyncIterable<Uint8Array> | undefined;
					if (!body) {
						throw new ApiHttpError(
							415,
							'unsupported_media_type',
							'send the blob as application/octet-stream'
						);
					}
					try {
						const { created, size } = await storeBlob(
							registryDir,
							request.params.sha256,
							countedBody(body, declared),
							maxBlobBytes
						);
						return reply.code(created ? 201 : 200).send({ sha256: request.params.sha256, size, created });
					} catch (error) {
						if (error instanceof BlobHashMismatch)
							throw new ApiHttpError(400, 'invalid_request', error.message);
						if (error instanceof BlobTooLarge)
							throw new ApiHttpError(413, 'payload_too_large', error.message);
						if (error instanceof Truncated)
							throw new ApiHttpError(400, 'invalid_request', error.message);
						throw error;
					}
				}
			);
	});

	app
		.withTypeProvider<ZodTypeProvider>()
		.put(
			'/api/registry/models/:model/versions/:version',
			// A manifest carries the evaluation report, greedy replies and all: far above a push.
			{ schema: { params: versionParams }, bodyLimit: 16 * 1024 ** 2 },
			async (request, reply) => {
				await authenticateTrainer(service, request);
				const { model, version } = request.params;
				const parsed = versionManifest.safeParse(request.body);
				if (!parsed.success) {
					const issues = zodIssues(parsed.error, 'body');
					throw new ApiHttpError(
						400,
						'invalid_request',
						`not a version manifest: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
						issues
					);
				}
				const manifest: VersionManifest = parsed.data;
				if (manifest.model !== model || manifest.version !== version) {
					throw new ApiHttpError(
						400,
						'invalid_request',
						`the manifest is of ${manifest.model} version ${manifest.version}, not ${model} version ${version}`
					);
				}
				try {
					await serially(model, () => publishManifest(registryDir, manifest));
				} catch (error) {
					if (!(error instanceof PublishRefused)) throw error;
					throw new ApiHttpError(
						error.status,
						error.status === 409 ? 'conflict' : 'invalid_request',
						error.message
					);
				}
				return reply.code(201).send({ model, version, files: manifest.files.length });
			}
		);
}

class Truncated extends Error {}

function declaredLength(request: FastifyRequest): number | null {
	const header = request.headers['content-length'];
	return header === undefined ? null : Number(header);
}

/** The body, failing when it ends before its declared length (a dropped connection). */
async function* countedBody(
	body: AsyncIterable<Uint8Array>,
	declared: number | null
): AsyncIterable<Uint8Array> {
	let received = 0;
	try {
		for await (const chunk of body) {
			received += chunk.byteLength;
			yield chunk;
		}
	} catch (error) {
		throw new Truncated(`the upload broke off after ${received} bytes (${(error as Error).message})`);
	}
	if (declared !== null && received !== declared) {
		throw new Truncated(`the upload ended after ${received} of ${declared} bytes`);
	}
}

// Serves the model registry the pipeline publishes into (training/README.md): blobs are named by
// their SHA-256, so their bytes never change and browsers may keep them forever; manifests and
// index files name the current versions and are revalidated on every use (ETag → 304). Range
// requests let a browser resume a large weight shard where a download stopped.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { relative, sep } from 'node:path';
import { IMMUTABLE, REVALIDATE } from '../http/cache-control';

export async function serveRegistry(app: FastifyInstance, registryDir: string): Promise<void> {
	await app.register(fastifyStatic, {
		root: registryDir,
		prefix: '/registry/',
		// The app's registration owns reply.sendFile.
		decorateReply: false,
		cacheControl: false,
		index: false,
		// An empty registry is normal until the first publish.
		suppressWarning: true,
		setHeaders(reply, file) {
			const path = relative(registryDir, file).split(sep).join('/');
			reply.header('cache-control', path.startsWith('blobs/') ? IMMUTABLE : REVALIDATE);
		}
	});
}

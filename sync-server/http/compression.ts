// Compresses text responses (the app's JS, CSS, HTML, JSON): a phone on a slow link downloads
// the entry bundle gzip-sized, not raw. It covers only routes registered after it (the
// plugin works through an onRoute hook); the registry is registered before, see app.ts.
import { constants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

export async function compressResponses(app: FastifyInstance): Promise<void> {
	await app.register(fastifyCompress, {
		encodings: ['br', 'gzip'],
		threshold: 1024,
		// Quality 11 costs seconds on the multi-megabyte WebAssembly runtimes; 5 is near gzip -9 in
		// size at a fraction of the time, and those files are cached immutable after one download.
		brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }
	});
}

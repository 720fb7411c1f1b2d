// Headers every response carries, whatever produced it (file, API answer, 404, error):
// cross-origin isolation so onnxruntime-web can use WASM threads (SharedArrayBuffer needs
// COOP + COEP), CORP so our own resources stay loadable under COEP, and the CSP.
import type { FastifyInstance } from 'fastify';
import { contentSecurityPolicy } from './content-security-policy';

const basePolicy = contentSecurityPolicy();

export function addSecurityHeaders(app: FastifyInstance): void {
	app.addHook('onSend', async (_request, reply, payload) => {
		reply.header('cross-origin-opener-policy', 'same-origin');
		reply.header('cross-origin-embedder-policy', 'require-corp');
		reply.header('cross-origin-resource-policy', 'same-origin');
		reply.header('x-content-type-options', 'nosniff');
		reply.header('referrer-policy', 'same-origin');
		// HTML pages set their own policy with their inline scripts' hashes (see static-app.ts).
		if (!reply.hasHeader('content-security-policy')) {
			reply.header('content-security-policy', basePolicy);
		}
		return payload;
	});
}

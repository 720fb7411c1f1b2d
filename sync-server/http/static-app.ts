// Serves the built SvelteKit app. Hashed files under /_app/immutable/ never change, so browsers
// keep them for a year without asking; everything else (HTML, service-worker.js, the manifest,
// version.json, icons) is revalidated on every use (ETag → 304), so a new build shows up at once.
import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IMMUTABLE, REVALIDATE } from './cache-control';
import { contentSecurityPolicy } from './content-security-policy';
import { InlineScriptHashCache } from './inline-script-hashes';

/** Paths the SPA never owns: a miss there is a real 404, not a page of the app. */
const notAppPages = ['/api/', '/registry/', '/_app/'];

/** Answers a navigation to a client-side route with index.html; false when it is not one. */
export type AppShell = (request: FastifyRequest, reply: FastifyReply) => boolean;

export async function serveStaticApp(app: FastifyInstance, staticDir: string): Promise<AppShell> {
	const hashes = new InlineScriptHashCache();
	const indexFile = join(staticDir, 'index.html');
	if (existsSync(indexFile)) {
		const count = hashes.forFile(indexFile, statSync(indexFile)).length;
		app.log.info(`serving the app from ${staticDir} (${count} inline script(s) allowed by hash)`);
	} else {
		app.log.warn(`no built app in ${staticDir}: run \`npx vite build\` (npm start does it)`);
	}
	await app.register(fastifyStatic, {
		root: staticDir,
		cacheControl: false,
		suppressWarning: true,
		setHeaders(reply, file, stat) {
			const path = relative(staticDir, file).split(sep).join('/');
			reply.header('cache-control', path.startsWith('_app/immutable/') ? IMMUTABLE : REVALIDATE);
			if (path.endsWith('.html')) {
				reply.header('content-security-policy', contentSecurityPolicy(hashes.forFile(file, stat)));
			}
		}
	});
	return (request, reply) => {
		if (!isAppNavigation(request) || !existsSync(indexFile)) return false;
		// The not-found path has already set 404; the shell is a real page of the app.
		reply.code(200).sendFile('index.html', staticDir);
		return true;
	};
}

/** A browser navigation (it wants HTML) to a client-side route such as /chat/42. */
function isAppNavigation(request: FastifyRequest): boolean {
	if (request.method !== 'GET' && request.method !== 'HEAD') return false;
	if (!(request.headers.accept ?? '').includes('text/html')) return false;
	const path = request.url.split('?')[0];
	return !notAppPages.some((prefix) => path.startsWith(prefix) || path === prefix.slice(0, -1));
}

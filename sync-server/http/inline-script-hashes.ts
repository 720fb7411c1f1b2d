// SvelteKit's static build starts the app from an inline <script> in each HTML page. Rather than
// allow every inline script ('unsafe-inline'), the CSP lists the SHA-256 of the ones we serve.
// Hashes are remembered per file and recomputed when the file changes, so a rebuild of the app
// under a running server (the update flow) keeps working.
import { createHash } from 'node:crypto';
import { readFileSync, type Stats } from 'node:fs';

const inlineScript = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const externalSource = /\bsrc\s*=/i;

/** CSP source expressions (`'sha256-…'`) for the inline scripts of an HTML document. */
export function inlineScriptHashes(html: string): string[] {
	const hashes: string[] = [];
	for (const [, attributes, body] of html.matchAll(inlineScript)) {
		if (externalSource.test(attributes) || body.length === 0) continue;
		hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
	}
	return hashes;
}

export class InlineScriptHashCache {
	#entries = new Map<string, { version: string; hashes: string[] }>();

	/** Hashes of `file`, whose current `stat` the caller already has from serving it. */
	forFile(file: string, stat: Pick<Stats, 'mtimeMs' | 'size'>): string[] {
		const version = `${stat.mtimeMs}:${stat.size}`;
		const cached = this.#entries.get(file);
		if (cached?.version === version) return cached.hashes;
		const hashes = inlineScriptHashes(readFileSync(file, 'utf8'));
		this.#entries.set(file, { version, hashes });
		return hashes;
	}
}

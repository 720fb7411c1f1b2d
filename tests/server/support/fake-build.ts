// Small stand-ins for `vite build` output and a published registry, written to temporary
// directories, so server tests do not depend on a real build or a trained model.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** SvelteKit's inline bootstrap, in miniature: it marks the page and imports a hashed entry. */
export const bootstrapScript = `
				window.__booted = 'inline';
				import('/_app/immutable/entry/start.abc123.js');
			`;

export const appFiles = {
	'index.html': `<!doctype html>
<html lang="en">
	<head><meta charset="utf-8" /><link rel="manifest" href="/manifest.webmanifest" /></head>
	<body>
		<div style="display: contents">
			<script>${bootstrapScript}</script>
		</div>
	</body>
</html>
`,
	'_app/immutable/entry/start.abc123.js': `window.__booted = 'module';\n`,
	'_app/version.json': `{"version":"1"}`,
	'service-worker.js': `self.addEventListener('install', () => {});\n`,
	'manifest.webmanifest': JSON.stringify({ name: 'Hearth', start_url: '/' }),
	// The smallest valid WebAssembly module: magic number and version.
	'_app/immutable/assets/ort.def456.wasm': Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])
} satisfies Record<string, string | Buffer>;

/** 4 KiB of non-repeating bytes, so a range's content is checkable. */
export const blobBytes = Buffer.from(
	Array.from({ length: 4096 }, (_, i) => (i * 7 + (i >> 8)) & 0xff)
);
export const blobHex = createHash('sha256').update(blobBytes).digest('hex');
export const manifestJson = JSON.stringify({
	model: 'demo',
	version: 1,
	files: [{ path: 'onnx/model.onnx_data', sha256: blobHex, size: blobBytes.length }]
});

export function writeFakeBuild(): string {
	return writeTree('hearth-build-', appFiles);
}

export function writeFakeRegistry(): string {
	return writeTree('hearth-registry-', {
		[`blobs/sha256/${blobHex}`]: blobBytes,
		'demo/versions/1.json': manifestJson,
		'demo/index.json': JSON.stringify({ latest: 1 })
	});
}

function writeTree(prefix: string, files: Record<string, string | Buffer>): string {
	const root = mkdtempSync(join(tmpdir(), prefix));
	for (const [path, content] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), content);
	}
	return root;
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIds, setBuildsRoot } from './builds';

/**
 * Builds the app once per build id into a temporary folder the servers serve from. The build
 * writes ./build and .svelte-kit, which other tools share, so each build and its copy run
 * under one lock.
 *
 * While working on the tests, `HEARTH_E2E_KEEP_BUILDS=<dir>` builds into <dir> once and reuses
 * what is there on later runs (delete it after changing the app).
 */
export default function globalSetup(): (() => void) | undefined {
	const kept = process.env.HEARTH_E2E_KEEP_BUILDS;
	if (kept && Object.values(buildIds).every((id) => existsSync(join(kept, id, 'index.html')))) {
		console.log(`[e2e] reusing the builds in ${kept}`);
		setBuildsRoot(kept);
		return undefined;
	}
	const root = kept
		? (mkdirSync(kept, { recursive: true }), kept)
		: mkdtempSync(join(tmpdir(), 'hearth-e2e-builds-'));
	for (const id of Object.values(buildIds)) {
		const started = Date.now();
		const result = spawnSync(
			'flock',
			[
				'/tmp/hearth-build.lock',
				'sh',
				'-c',
				'npx vite build --logLevel error && rm -rf "$0" && cp -R build "$0"',
				join(root, id)
			],
			{ stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HEARTH_BUILD_ID: id } }
		);
		if (result.status !== 0) throw new Error(`vite build for ${id} failed (exit ${result.status})`);
		console.log(`[e2e] built ${id} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
	setBuildsRoot(root);
	return kept ? undefined : () => rmSync(root, { recursive: true, force: true });
}

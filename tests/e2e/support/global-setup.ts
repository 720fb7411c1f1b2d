import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shareE2eBuilds, type AppBuild, type E2eBuilds } from './builds';

const lock = '/tmp/hearth-build.lock';

/**
 * Makes the two builds the tests serve: the current tree, and a second build with another id
 * for the update flow to start from. `npm test` has just run `vite build`, so when ./build is
 * newer than every source file it is reused as the current build and only one more is made.
 *
 * While working on the tests, `HEARTH_E2E_KEEP_BUILDS=<dir>` keeps the builds in <dir> and
 * reuses them on later runs (delete it after changing the app).
 */
export default function globalSetup(): (() => void) | undefined {
	const kept = process.env.HEARTH_E2E_KEEP_BUILDS;
	const record = kept && join(kept, 'builds.json');
	if (record && existsSync(record)) {
		console.log(`[e2e] reusing the builds in ${kept}`);
		shareE2eBuilds(JSON.parse(readFileSync(record, 'utf8')) as E2eBuilds);
		return undefined;
	}
	const root = kept
		? (mkdirSync(kept, { recursive: true }), kept)
		: mkdtempSync(join(tmpdir(), 'hearth-e2e-builds-'));
	const builds: E2eBuilds = {
		current:
			copyFreshBuild(join(root, 'current')) ?? build(`e2e-${Date.now()}`, join(root, 'current')),
		previous: build(`e2e-previous-${Date.now()}`, join(root, 'previous'))
	};
	shareE2eBuilds(builds);
	if (record) {
		execFileSync('sh', ['-c', 'printf %s "$0" > "$1"', JSON.stringify(builds), record]);
		return undefined;
	}
	return () => rmSync(root, { recursive: true, force: true });
}

/** Builds the app with `id` into ./build and copies it to `dir`, holding the build lock. */
function build(id: string, dir: string): AppBuild {
	const started = Date.now();
	const result = spawnSync(
		'flock',
		[lock, 'sh', '-c', 'npx vite build --logLevel error && rm -rf "$0" && cp -R build "$0"', dir],
		{ stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HEARTH_BUILD_ID: id } }
	);
	if (result.status !== 0) throw new Error(`vite build of ${id} failed (exit ${result.status})`);
	console.log(`[e2e] built ${id} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return { id, dir };
}

/** Copies ./build to `dir` if no file of the tree changed after it was built. */
function copyFreshBuild(dir: string): AppBuild | null {
	const stamp = 'build/_app/version.json';
	if (!existsSync(stamp) || newestSourceChange() > statSync(stamp).mtimeMs) return null;
	const { version } = JSON.parse(readFileSync(stamp, 'utf8')) as { version: string };
	execFileSync('flock', [lock, 'sh', '-c', 'rm -rf "$0" && cp -R build "$0"', dir]);
	console.log(`[e2e] reusing ./build (${version}): nothing changed since it was built`);
	return { id: version, dir };
}

/** The latest modification time of any file git tracks or would track (ignored ones excluded). */
function newestSourceChange(): number {
	const files = execFileSync(
		'git',
		['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
		{
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		}
	)
		.split('\0')
		.filter(Boolean);
	let newest = 0;
	for (const file of files) {
		if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
	}
	return newest;
}

// `npm start`: installs what is missing, builds the app when the build is missing or older
// than its sources, then runs the sync server, which serves the app, its API and the model
// registry on one port (printed at start). Nothing to configure; see sync-server/config.ts for
// the environment variables that change the defaults.
//
// The demo model is not committed: the first start trains it with the project's own pipeline
// (`npm run pipeline -- --config demo`, a few minutes on two cores) and publishes it into the
// registry, so chat works with no model hub. Without PyTorch it says what to install and
// serves the app anyway; every other model still works.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNpmPackages, pythonCan } from './setup.mjs';

const root = new URL('..', import.meta.url).pathname;
const builtApp = join(root, 'build', 'index.html');
// Everything `vite build` reads.
const buildInputs = [
	'src',
	'static',
	'workers',
	'model-configs',
	'svelte.config.js',
	'vite.config.ts',
	'package-lock.json'
];

ensureNpmPackages();

// A custom HEARTH_STATIC_DIR is someone else's build; only ./build is ours to refresh.
if (!process.env.HEARTH_STATIC_DIR) {
	const reason = staleReason();
	if (reason) {
		console.log(`[start] building the app (${reason})…`);
		const { status } = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
		if (status !== 0) {
			console.error('[start] the app build failed; see the output above');
			process.exit(status ?? 1);
		}
	}
}

const registryDir = process.env.HEARTH_REGISTRY_DIR ?? join(root, 'registry');
if (!existsSync(join(registryDir, 'hearth-demo', 'index.json'))) publishDemoModel();

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'sync-server', 'main.ts')], {
	cwd: root,
	stdio: 'inherit'
});
// The server shuts down cleanly on these (requests finish, the database closes); pass them on.
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** Trains and publishes the demo model into the registry, or explains why it cannot. */
function publishDemoModel() {
	if (!pythonCan('import torch')) {
		console.warn(
			'[start] the demo model is not in the registry yet, and training it needs PyTorch:\n' +
				'        sudo apt-get install -y python3-torch python3-numpy libopenblas0-pthread\n' +
				'        then run `npm start` again (the app works without it; other models still load)'
		);
		return;
	}
	console.log('[start] training the demo model with the pipeline (first start only)…');
	const { status } = spawnSync(
		'npx',
		['tsx', 'training/pipeline.ts', '--config', 'demo', '--registry', registryDir, '--reuse'],
		{ cwd: root, stdio: 'inherit' }
	);
	if (status !== 0) console.warn('[start] the demo model could not be built; see the output above');
}

/** Why the app needs building, or null when build/ is newer than every input. */
function staleReason() {
	if (!existsSync(builtApp)) return 'no build yet';
	const builtAt = statSync(builtApp).mtimeMs;
	const newer = buildInputs
		.map((p) => newestFile(join(root, p)))
		.find((f) => f && f.mtimeMs > builtAt);
	return newer ? `${newer.path.slice(root.length)} changed since the last build` : null;
}

/** @param {string} path @returns {{ path: string, mtimeMs: number } | null} */
function newestFile(path) {
	if (!existsSync(path)) return null;
	const stat = statSync(path);
	if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
	let newest = null;
	for (const entry of readdirSync(path)) {
		const candidate = newestFile(join(path, entry));
		if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
	}
	return newest;
}

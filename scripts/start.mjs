// `npm start`: installs what is missing, builds the app when the build is missing or older
// than its sources, then runs the sync server, which serves the app, its API and the model
// registry on one port (printed at start). Nothing to configure; see sync-server/config.ts for
// the environment variables that change the defaults.
//
// The demo model ships with the repository (shipped-models/) and is copied into the registry
// on the first start (and its newer versions on a later one), so chat works at once with no
// model hub and no training run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNpmPackages } from './setup.mjs';
import { installReport, installShippedModels } from './shipped-models.mjs';

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
		console.log(`[start] building the app (${reason}; under a minute on two cores)…`);
		const started = Date.now();
		// Vite's own summary is ~190 lines of chunk sizes, and SvelteKit ends it with a hint to
		// run `vite preview`, which does not apply here: only warnings (stderr) show, and the
		// rest only when the build fails.
		const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'inherit'],
			encoding: 'utf8'
		});
		if (build.status !== 0) {
			process.stdout.write(build.stdout ?? '');
			console.error('[start] the app build failed; see the output above');
			process.exit(build.status ?? 1);
		}
		console.log(`[start] built in ${Math.round((Date.now() - started) / 1000)} s`);
	}
}

for (const line of installReport(installShippedModels())) console.log(`[start] ${line}`);

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'sync-server', 'main.ts')], {
	cwd: root,
	stdio: 'inherit'
});
// The server shuts down cleanly on these (requests finish, the database closes); pass them on.
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

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

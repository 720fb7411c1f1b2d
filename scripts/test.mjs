// `npm test`: set up what is missing, then run every suite in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';
import { ensureNpmPackages, ensureSystemPackages, PYTHON_SOURCES } from './setup.mjs';

ensureNpmPackages();
const python = ensureSystemPackages();

const env = {
	...process.env,
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
	ONNXRUNTIME_NODE_INSTALL: 'skip'
};
const only = process.argv.slice(2);

const steps = [
	['sync', 'npx', ['svelte-kit', 'sync']],
	['format', 'npx', ['prettier', '--check', '.']],
	['lint', 'npx', ['eslint', '.']],
	['types', 'npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']],
	['pystyle', 'flake8', PYTHON_SOURCES],
	['trainer', python, ['-m', 'unittest', 'discover', '-s', 'tests/trainer', '-t', '.']],
	['vitest', 'npx', ['vitest', 'run']],
	['build', 'npx', ['vite', 'build']],
	['e2e', 'npx', ['playwright', 'test']]
];

const started = Date.now();
for (const [name, cmd, args] of steps) {
	if (only.length && !only.includes(name)) continue;
	console.log(`\n[test] ── ${name}: ${cmd} ${args.join(' ')}`);
	const t0 = Date.now();
	const { status } = spawnSync(cmd, args, { stdio: 'inherit', env });
	console.log(
		`[test] ── ${name} ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`
	);
	if (status !== 0) process.exit(status ?? 1);
}
console.log(`\n[test] all suites passed in ${((Date.now() - started) / 60000).toFixed(1)} min`);

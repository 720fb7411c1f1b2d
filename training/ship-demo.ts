// Re-creates shipped-models/, the demo model that ships with the repository: runs the whole
// demo pipeline (`--reuse` keeps an up-to-date training/out/demo), publishes it as version 1 of
// an empty registry, verifies every blob against its manifest, and only then replaces
// shipped-models/ with it. Commit the result; `npm start` copies it into the served registry.
//   npm run pipeline:ship-demo [-- --reuse]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFlags, runCli } from './cli-args';
import { verifyRegistry } from './publish/verify';

const SHIPPED = 'shipped-models';
const STAGING = `${SHIPPED}.new`;

runCli(async () => {
	const { reuse } = readFlags(
		{ reuse: { type: 'boolean' } },
		'npm run pipeline:ship-demo [-- --reuse]'
	);
	rmSync(STAGING, { recursive: true, force: true });
	const run = spawnSync(
		'node_modules/.bin/tsx',
		[
			'training/pipeline.ts',
			'--config',
			'demo',
			'--registry',
			STAGING,
			...(reuse ? ['--reuse'] : [])
		],
		{ stdio: 'inherit' }
	);
	if (run.status !== 0) throw new Error(`the demo pipeline failed; ${SHIPPED}/ is unchanged`);
	const { problems } = await verifyRegistry(STAGING);
	if (problems.length) throw new Error(`the new registry does not verify:\n${problems.join('\n')}`);
	if (existsSync(join(SHIPPED, 'README.md')))
		cpSync(join(SHIPPED, 'README.md'), join(STAGING, 'README.md'));
	rmSync(SHIPPED, { recursive: true, force: true });
	renameSync(STAGING, SHIPPED);
	console.log(`${SHIPPED}/ now holds the demo model just trained; commit it`);
});

// Re-creates shipped-models/, the demo model that ships with the repository, in two versions
// as the loop makes them: version 1 trained from scratch on the direct skills (the `demo`
// config), and version 2 fine-tuned from it to use tools (`demo-tools`, `--from
// hearth-demo@1`), held by the release gate to version 1's skills. It verifies every blob of the
// new registry against its manifest, and only then replaces shipped-models/ with it. Commit the
// result; `npm start` copies it into the served registry.
//   npm run pipeline:ship-demo [-- --reuse] [-- --keep-base]
// --reuse keeps up-to-date stage outputs under training/out/; --keep-base starts from the
// shipped version 1 (its checkpoint is in the registry) and trains only version 2.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { manifestBlobs, parseVersionManifest, registryPaths } from '../src/lib/protocol/registry';
import { copyFileVerified } from '../registry-store/files';
import { commitVersion } from '../registry-store/versions';
import { readFlags, runCli } from './cli-args';
import { verifyRegistry } from './publish/verify';

const SHIPPED = 'shipped-models';
const STAGING = `${SHIPPED}.new`;
const MODEL = 'hearth-demo';
const BASE = { config: 'demo', from: [] as string[] };
const TOOLS = { config: 'demo-tools', from: ['--from', `${MODEL}@1`] };

function pipeline({ config, from }: typeof BASE, reuse: boolean): void {
	const run = spawnSync(
		'node_modules/.bin/tsx',
		[
			...['training/pipeline.ts', '--config', config, '--registry', STAGING, ...from],
			...(reuse ? ['--reuse'] : [])
		],
		{ stdio: 'inherit' }
	);
	if (run.status !== 0) throw new Error(`the ${config} pipeline failed; ${SHIPPED}/ is unchanged`);
}

/** STAGING as a registry holding only the shipped version 1, written as publish writes one. */
async function baseOnly(): Promise<void> {
	const path = join(SHIPPED, registryPaths.manifest(MODEL, 1));
	const manifest = parseVersionManifest(JSON.parse(readFileSync(path, 'utf8')), path);
	for (const { sha256 } of manifestBlobs(manifest)) {
		const target = join(STAGING, registryPaths.blob(sha256));
		mkdirSync(dirname(target), { recursive: true });
		await copyFileVerified(join(SHIPPED, registryPaths.blob(sha256)), target, sha256);
	}
	await commitVersion(STAGING, manifest);
}

runCli(async () => {
	const { reuse, 'keep-base': keepBase } = readFlags(
		{ reuse: { type: 'boolean' }, 'keep-base': { type: 'boolean' } },
		'npm run pipeline:ship-demo [-- --reuse] [-- --keep-base]'
	);
	rmSync(STAGING, { recursive: true, force: true });
	if (keepBase) await baseOnly();
	else pipeline(BASE, reuse);
	pipeline(TOOLS, reuse);
	const { problems } = await verifyRegistry(STAGING);
	if (problems.length) throw new Error(`the new registry does not verify:\n${problems.join('\n')}`);
	if (existsSync(join(SHIPPED, 'README.md')))
		cpSync(join(SHIPPED, 'README.md'), join(STAGING, 'README.md'));
	rmSync(SHIPPED, { recursive: true, force: true });
	renameSync(STAGING, SHIPPED);
	console.log(`${SHIPPED}/ now holds the demo model just trained; commit it`);
});

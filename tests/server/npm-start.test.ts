import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { healthResponseSchema } from '../../src/lib/protocol/health';
import { appFiles, writeFakeBuild, writeFakeRegistry } from './support/fake-build';

// `npm start` is `node scripts/start.mjs`: the newcomer's path, from install check to a
// printed URL that serves the app. The registry already holds the demo model here, so the
// first-start training (minutes) is not part of this test; the pipeline suite trains for real.
describe('npm start', () => {
	it('prints a URL that serves the app and its API, and stops cleanly', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'hearth-start-'));
		const staticDir = writeFakeBuild();
		const registryDir = writeFakeRegistry();
		mkdirSync(join(registryDir, 'hearth-demo'), { recursive: true });
		writeFileSync(join(registryDir, 'hearth-demo', 'index.json'), '{}');
		const child = spawn(process.execPath, ['scripts/start.mjs'], {
			env: {
				...process.env,
				PORT: '0',
				HEARTH_DATA_DIR: dataDir,
				HEARTH_STATIC_DIR: staticDir,
				HEARTH_REGISTRY_DIR: registryDir
			},
			stdio: ['ignore', 'pipe', 'inherit']
		});
		try {
			let url: string | undefined;
			for await (const line of createInterface({ input: child.stdout })) {
				url = /^Hearth is running at (http:\/\/\S+\/)$/.exec(line)?.[1];
				if (url) break;
			}
			expect(url).toBeDefined();
			const health = healthResponseSchema.parse(await (await fetch(`${url}api/health`)).json());
			expect(health.database.dialect).toBe('sqlite');
			expect(health.database.ok).toBe(true);
			const page = await fetch(`${url}contribute`, { headers: { accept: 'text/html' } });
			expect(page.status).toBe(200);
			expect(await page.text()).toBe(appFiles['index.html']);
			child.kill('SIGTERM');
			const [code] = await once(child, 'exit');
			expect(code).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
			for (const dir of [dataDir, staticDir, registryDir])
				rmSync(dir, { recursive: true, force: true });
		}
	});
});

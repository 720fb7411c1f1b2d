// A newcomer's first `npm start`, for real: on a copy of the repository with only the
// production npm packages (`npm ci --omit=dev`, here a copy of node_modules pruned the same
// way), no build and no registry, the start builds the app, copies the shipped demo model into
// the registry and serves the app, its API and the model — without training anything.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthResponseSchema } from '../../src/lib/protocol/health';
import { SHIPPED_REGISTRY } from '../../scripts/shipped-models.mjs';

const BUILD_AND_START_MS = 600_000;

/** The files a clone has: tracked ones, and new ones git does not ignore. */
function copyRepository(target: string): void {
	const files = execFileSync(
		'git',
		['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
		{
			encoding: 'utf8'
		}
	)
		.split('\0')
		.filter((file) => file && existsSync(file));
	for (const file of files) {
		mkdirSync(dirname(join(target, file)), { recursive: true });
		cpSync(file, join(target, file));
	}
	// Hard links: the copy costs no disk and seconds, and pruning only unlinks.
	execFileSync('cp', ['-al', 'node_modules', join(target, 'node_modules')]);
	rmSync(join(target, 'node_modules', '.vite'), { recursive: true, force: true });
	execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: target,
		stdio: 'inherit'
	});
}

/** The caller's environment less every Hearth setting: a newcomer sets none (but a free port). */
function newcomerEnv(): NodeJS.ProcessEnv {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !/^(HEARTH_|DATABASE_URL$)/.test(name))
	);
	return { ...env, PORT: '0' };
}

describe(
	'npm start on a fresh copy with production packages only',
	{ timeout: BUILD_AND_START_MS },
	() => {
		const copy = mkdtempSync(join(tmpdir(), 'hearth-fresh-'));
		const output: string[] = [];
		let url: string | undefined;
		let child: ReturnType<typeof spawn> | undefined;

		beforeAll(async () => {
			copyRepository(copy);
			expect(existsSync(join(copy, 'node_modules', 'vitest')), 'dev packages were pruned').toBe(
				false
			);
			child = spawn(process.execPath, ['scripts/start.mjs'], {
				cwd: copy,
				env: newcomerEnv(),
				stdio: ['ignore', 'pipe', 'inherit']
			});
			for await (const line of createInterface({ input: child.stdout! })) {
				output.push(line);
				url = /^Hearth is running at (http:\/\/\S+\/)$/.exec(line)?.[1];
				if (url) break;
			}
		}, BUILD_AND_START_MS);

		afterAll(async () => {
			if (child && child.exitCode === null) {
				child.kill('SIGTERM');
				await once(child, 'exit');
			}
			rmSync(copy, { recursive: true, force: true });
		});

		it('prints the URL without training anything, having added the shipped demo model', () => {
			expect(url, output.join('\n')).toBeDefined();
			expect(output).toContain('[start] hearth-demo added to the registry');
			expect(output.join('\n')).not.toMatch(/pipeline|training/i);
			// A newcomer reads what it says: no build summary, no hint to run `vite preview`.
			expect(output.join('\n')).not.toMatch(/preview/);
			expect(output.length, output.join('\n')).toBeLessThan(12);
			expect(existsSync(join(copy, 'training', 'out'))).toBe(false);
		});

		it('serves the built app and its API', async () => {
			const health = healthResponseSchema.parse(await (await fetch(`${url}api/health`)).json());
			expect(health.database.ok).toBe(true);
			const page = await fetch(`${url}`, { headers: { accept: 'text/html' } });
			expect(page.status).toBe(200);
			expect(await page.text()).toBe(readFileSync(join(copy, 'build', 'index.html'), 'utf8'));
		});

		it('serves the demo model from the registry, byte for byte as shipped', async () => {
			const index = await (await fetch(`${url}registry/hearth-demo/index.json`)).json();
			const manifestPath = `hearth-demo/versions/${index.latest}.json`;
			const manifest = (await (await fetch(`${url}registry/${manifestPath}`)).json()) as {
				files: { path: string; sha256: string }[];
				checkpoint?: { path: string; sha256: string }[];
			};
			expect(manifest).toEqual(
				JSON.parse(readFileSync(join(SHIPPED_REGISTRY, manifestPath), 'utf8'))
			);
			const graph = manifest.files.find((f) => f.path === 'onnx/model_q4.onnx')!;
			const blob = Buffer.from(
				await (await fetch(`${url}registry/blobs/sha256/${graph.sha256}`)).arrayBuffer()
			);
			expect(createHash('sha256').update(blob).digest('hex')).toBe(graph.sha256);
			// Its trainer checkpoint is served too, so the next version can start from it.
			expect(manifest.checkpoint?.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
			for (const { sha256 } of manifest.checkpoint!) {
				const response = await fetch(`${url}registry/blobs/sha256/${sha256}`);
				const bytes = Buffer.from(await response.arrayBuffer());
				expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
			}
		});
	}
);

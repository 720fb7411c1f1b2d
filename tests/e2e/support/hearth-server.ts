import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface HearthServer {
	url: string;
	/** The folder it serves the app from (replace its contents to publish a new build). */
	staticDir: string;
	/** Its SQLite database's folder (`HEARTH_DATA_DIR`), e.g. for seeding with the admin CLI. */
	dataDir: string;
	stop(): Promise<void>;
}

/**
 * Starts the real sync server on a free port with a fresh SQLite database, serving a private
 * copy of `buildDir` (and `registryDir` as its model registry, else an empty one), and resolves
 * once it prints the URL it listens on. `env` adds to its environment (e.g. HEARTH_ADMIN_TOKEN).
 */
export async function startHearthServer(
	buildDir: string,
	options: { registryDir?: string; env?: Record<string, string> } = {}
): Promise<HearthServer> {
	const workDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-server-'));
	const staticDir = join(workDir, 'app');
	const dataDir = join(workDir, 'data');
	cpSync(buildDir, staticDir, { recursive: true });
	const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
		env: {
			...process.env,
			PORT: '0',
			HEARTH_STATIC_DIR: staticDir,
			HEARTH_DATA_DIR: dataDir,
			HEARTH_REGISTRY_DIR: options.registryDir ?? join(workDir, 'registry'),
			HEARTH_LOG_LEVEL: 'warn',
			...options.env
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const stop = async () => {
		await terminate(child);
		rmSync(workDir, { recursive: true, force: true });
	};
	try {
		return { url: await listeningUrl(child), staticDir, dataDir, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * The environment of a server a simulated crowd works on (scripts/crowd-sim.ts): the admin token
 * it watches progress with, no rate limits, small trees (`growth` as the test needs) that two
 * reviews and two rankings finish, and room for many growing trees.
 */
export function crowdServerEnv(
	adminToken: string,
	growth: { maxDepth: number; maxAssistantReplies: number; goalTreeSize: number }
): Record<string, string> {
	return {
		HEARTH_ADMIN_TOKEN: adminToken,
		HEARTH_TREE_CONFIG: JSON.stringify({
			review: { requiredReviews: 2 },
			growth,
			ranking: { requiredRankings: 2 },
			lottery: { maxActiveTrees: 60 }
		}),
		HEARTH_RATE_TOKEN: '100000/100000',
		HEARTH_RATE_ADDRESS: '100000/100000',
		HEARTH_RATE_REGISTER: '100000/100000'
	};
}

/** Replaces what the server serves with another build, as a deployment would. */
export function publishBuild(server: HearthServer, buildDir: string): void {
	rmSync(server.staticDir, { recursive: true, force: true });
	cpSync(buildDir, server.staticDir, { recursive: true });
}

function listeningUrl(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		const timer = setTimeout(
			() => reject(new Error('the sync server did not start within 30 s')),
			30_000
		);
		lines.on('line', (line) => {
			const url = /running at (http:\/\/\S+)/.exec(line)?.[1];
			if (!url) return;
			clearTimeout(timer);
			resolve(url.replace(/\/$/, ''));
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the sync server exited with code ${code} before listening`));
		});
	});
}

function terminate(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill('SIGTERM');
	});
}

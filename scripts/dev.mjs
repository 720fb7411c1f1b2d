// `npm run dev`: the sync server (API and model registry) on a port of its own, and Vite's dev
// server with hot reload in front of it, forwarding /api and /registry. Open the URL Vite prints.
// Ctrl-C stops both. The environment variables of `npm start` apply to the sync server.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ensureNpmPackages } from './setup.mjs';
import { installReport, installShippedModels } from './shipped-models.mjs';

const root = new URL('..', import.meta.url).pathname;
ensureNpmPackages();
for (const line of installReport(installShippedModels())) console.log(`[dev] ${line}`);

const server = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
	cwd: root,
	env: { ...process.env, PORT: process.env.HEARTH_DEV_API_PORT ?? '0' },
	stdio: ['ignore', 'pipe', 'inherit']
});
const children = [server];
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => children.forEach((child) => child.kill(signal)));
}
server.on('exit', (code) => {
	children.forEach((child) => child.kill('SIGTERM'));
	process.exit(code ?? 1);
});

// The server prints its URL once it listens; only then does Vite know where to forward. Its
// later lines are passed on, so its pipe never fills.
let vite = null;
for await (const line of createInterface({ input: server.stdout })) {
	const url = /^Hearth is running at (http:\/\/\S+?)\/?$/.exec(line)?.[1];
	if (!url || vite) {
		console.log(line);
		continue;
	}
	console.log(`[dev] sync server at ${url}; starting Vite…`);
	vite = spawn('npx', ['vite', 'dev'], {
		cwd: root,
		env: { ...process.env, HEARTH_DEV_API_URL: url },
		stdio: 'inherit'
	});
	children.push(vite);
	vite.on('exit', (code) => {
		server.kill('SIGTERM');
		process.exit(code ?? 0);
	});
}

// The JavaScript a first visit to the app downloads before it can show `/`: what index.html
// preloads and imports, the route's page chunk, and every chunk those import statically
// (dynamic imports — the database, model runtimes, Markdown — load later and are not counted).
// Sizes are gzip, as a compressing server or CDN would send them.
//
//   npx tsx bench/bundle-size.ts [buildDir]     (after `npx vite build`; default ./build)
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { init, parse } from 'es-module-lexer';

/** The budget for the initial JavaScript, gzip bytes. */
export const initialJsBudgetBytes = 100_000;

export interface ChunkSize {
	/** URL path, e.g. `/_app/immutable/entry/start.Bx1.js`. */
	path: string;
	bytes: number;
	gzipBytes: number;
}

export interface InitialJsReport {
	chunks: ChunkSize[];
	totalBytes: number;
	totalGzipBytes: number;
}

export async function measureInitialJs(buildDir: string, route = '/'): Promise<InitialJsReport> {
	await init;
	const read = (path: string) => readFileSync(join(buildDir, path), 'utf8');
	const html = read('index.html');
	const entries = [
		...[...html.matchAll(/<link\b[^>]*href="([^"]+\.js)"[^>]*rel="modulepreload"/g)].map(
			(m) => m[1]
		),
		...[...html.matchAll(/\bimport\("([^"]+\.js)"\)/g)].map((m) => m[1])
	];
	const app = entries.find((path) => /\/_app\/immutable\/entry\/app\.[^/]+\.js$/.test(path));
	if (!app) throw new Error(`${buildDir}/index.html does not load SvelteKit's app entry`);

	const appSource = read(app);
	// SvelteKit starts by loading the root error page (node 1) beside the route's own page, so
	// an error can always be shown; the root layout (node 0) is already among the preloads.
	const pending = [
		...entries,
		nodeFile(appSource, app, 1),
		nodeFile(appSource, app, routeLeaf(appSource, app, route))
	];
	const seen = new Set<string>();
	while (pending.length > 0) {
		const path = pending.pop()!;
		if (seen.has(path)) continue;
		seen.add(path);
		const [imports] = parse(read(path), path);
		for (const specifier of imports) {
			// d === -1 marks a static import; dynamic ones load on demand.
			if (specifier.d === -1 && specifier.n) pending.push(resolveImport(path, specifier.n));
		}
	}

	const chunks = [...seen].sort().map((path) => {
		const source = readFileSync(join(buildDir, path));
		return { path, bytes: source.length, gzipBytes: gzipSync(source).length };
	});
	return {
		chunks,
		totalBytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
		totalGzipBytes: chunks.reduce((sum, c) => sum + c.gzipBytes, 0)
	};
}

/** The node index of `route`'s page: app.js maps routes to nodes as `"/":[2]` (`~2` with a load). */
function routeLeaf(appSource: string, appPath: string, route: string): number {
	const quoted = JSON.stringify(route).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	const leaf = new RegExp(`${quoted}:\\[~?(\\d+)`).exec(appSource)?.[1];
	if (!leaf) throw new Error(`cannot find route ${route} in ${appPath}`);
	return Number(leaf);
}

/** Node N of the app is the chunk `nodes/N.<hash>.js`, which app.js imports. */
function nodeFile(appSource: string, appPath: string, node: number): string {
	const file = new RegExp(`nodes/${node}\\.[\\w-]+\\.js`).exec(appSource)?.[0];
	if (!file) throw new Error(`cannot find the chunk of node ${node} in ${appPath}`);
	return resolveImport(appPath, `../${file}`);
}

function resolveImport(fromPath: string, specifier: string): string {
	if (specifier.startsWith('/')) return specifier;
	if (!specifier.startsWith('.'))
		throw new Error(`${fromPath} imports a bare module "${specifier}"`);
	return posix.join(posix.dirname(fromPath), specifier);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const buildDir = process.argv[2] ?? 'build';
	const report = await measureInitialJs(buildDir);
	const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
	for (const chunk of report.chunks) {
		console.log(
			`${kb(chunk.gzipBytes).padStart(9)}  ${kb(chunk.bytes).padStart(9)}  ${chunk.path}`
		);
	}
	console.log(
		`initial JS for a first visit to /: ${kb(report.totalGzipBytes)} gzip (${kb(report.totalBytes)} raw), ` +
			`${((100 * report.totalGzipBytes) / initialJsBudgetBytes).toFixed(0)} % of the ${kb(initialJsBudgetBytes)} budget`
	);
}

// The repository's import graph and the cycles in it, for tests/unit/app/import-cycles.test.ts.
// Imports are read with the TypeScript compiler (`ts.preProcessFile`: static, type-only and
// dynamic imports, re-exports) and resolved with its module resolution plus the app's aliases
// (`$lib` → src/lib, `$workers` → workers); a .svelte file contributes its <script> blocks,
// found by the svelte compiler's `parse`. Only edges between the scanned files are kept:
// packages and SvelteKit's virtual modules (`$app/…`) are outside the graph.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'svelte/compiler';
import ts from 'typescript';

/** File (or folder) → the files (or folders) it imports; paths relative to the root. */
export type ImportGraph = Map<string, Set<string>>;

const sourceFile = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/;
const declarationFile = /\.d\.[mc]?ts$/;
const aliases: Record<string, string> = { $lib: 'src/lib', $workers: 'workers' };

/** The sources under `folders`: tracked and new (not ignored) files, so never node_modules. */
export function sourceFiles(root: string, folders: string[]): string[] {
	const listing = execFileSync(
		'git',
		['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...folders],
		{ cwd: root, encoding: 'utf8' }
	);
	const files = listing
		.split('\0')
		.filter((path) => sourceFile.test(path) && !declarationFile.test(path))
		.filter((path) => existsSync(join(root, path)));
	return [...new Set(files)].sort();
}

/** The import specifiers of one file's text (a .svelte file's <script> blocks). */
export function importSpecifiers(path: string, text: string): string[] {
	const scripts = path.endsWith('.svelte') ? svelteScripts(text) : [text];
	return scripts.flatMap((script) =>
		ts.preProcessFile(script, true, true).importedFiles.map((file) => file.fileName)
	);
}

function svelteScripts(text: string): string[] {
	const ast = parse(text, { modern: true });
	return [ast.module, ast.instance]
		.filter((script) => script != null)
		.map((script) => {
			// Svelte's parser adds source offsets to the ESTree program.
			const { start, end } = script.content as unknown as { start: number; end: number };
			return text.slice(start, end);
		});
}

const compilerOptions: ts.CompilerOptions = {
	module: ts.ModuleKind.ESNext,
	moduleResolution: ts.ModuleResolutionKind.Bundler,
	allowJs: true,
	resolveJsonModule: true
};

/** The project file `specifier` names from `importer`, or null for anything outside it. */
function resolveImport(root: string, importer: string, specifier: string): string | null {
	const alias = Object.keys(aliases).find(
		(name) => specifier === name || specifier.startsWith(`${name}/`)
	);
	const target = alias ? join(root, aliases[alias], specifier.slice(alias.length)) : specifier;
	const from = join(root, importer);
	if (target.endsWith('.svelte')) {
		const file = resolve(dirname(from), target);
		return existsSync(file) ? relative(root, file) : null;
	}
	const { resolvedModule } = ts.resolveModuleName(target, from, compilerOptions, ts.sys);
	if (!resolvedModule || resolvedModule.isExternalLibraryImport) return null;
	let file = resolvedModule.resolvedFileName;
	if (declarationFile.test(file)) {
		// `x.mjs` with a `x.d.mts` beside it: the import is of the JavaScript file.
		const js = [/\.d\.mts$/, /\.d\.cts$/, /\.d\.ts$/]
			.map((pattern, i) => file.replace(pattern, ['.mjs', '.cjs', '.js'][i]))
			.find((candidate) => candidate !== file && existsSync(candidate));
		if (!js) return null;
		file = js;
	}
	return relative(root, file);
}

/** Every file under `folders` with the project files it imports. */
export function buildImportGraph(root: string, folders: string[]): ImportGraph {
	const files = sourceFiles(root, folders);
	const known = new Set(files);
	const graph: ImportGraph = new Map();
	for (const file of files) {
		const targets = new Set<string>();
		for (const specifier of importSpecifiers(file, readFileSync(join(root, file), 'utf8'))) {
			const target = resolveImport(root, file, specifier);
			if (target !== null && known.has(target)) targets.add(target);
		}
		graph.set(file, targets);
	}
	return graph;
}

/**
 * The graph with each node replaced by `group(node)` (null drops it), edges inside a group
 * dropped: e.g. files collapsed to their folders.
 */
export function collapseGraph(graph: ImportGraph, group: (node: string) => string | null) {
	const collapsed: ImportGraph = new Map();
	for (const [from, targets] of graph) {
		const a = group(from);
		if (a === null) continue;
		const edges = collapsed.get(a) ?? new Set<string>();
		collapsed.set(a, edges);
		for (const to of targets) {
			const b = group(to);
			if (b !== null && b !== a) edges.add(b);
		}
	}
	return collapsed;
}

/** The strongly connected components (Tarjan): nodes that can all reach each other. */
export function stronglyConnected(graph: ImportGraph): string[][] {
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const components: string[][] = [];
	const visit = (node: string): void => {
		index.set(node, index.size);
		low.set(node, index.get(node)!);
		stack.push(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (stack.includes(next)) {
				low.set(node, Math.min(low.get(node)!, index.get(next)!));
			}
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				component.push(member);
			} while (member !== node);
			components.push(component.sort());
		}
	};
	for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
	return components;
}

/**
 * Every elementary cycle (up to `limit`), each as its nodes with the first repeated at the
 * end, starting from its smallest node; sorted. A node importing itself is a cycle of one.
 */
export function findCycles(graph: ImportGraph, limit = 200): string[][] {
	const component = new Map<string, number>();
	stronglyConnected(graph).forEach((members, i) => {
		for (const member of members) component.set(member, i);
	});
	const nodes = [...graph.keys()].sort();
	const order = new Map(nodes.map((node, i) => [node, i]));
	const cycles: string[][] = [];
	// Cycles through `start` over larger nodes of its component: each cycle is found once.
	for (const start of nodes) {
		const path = [start];
		const walk = (node: string): void => {
			for (const next of [...(graph.get(node) ?? [])].sort()) {
				if (cycles.length >= limit) return;
				if (next === start) cycles.push([...path, start]);
				else if (
					component.get(next) === component.get(start) &&
					order.get(next)! > order.get(start)! &&
					!path.includes(next)
				) {
					path.push(next);
					walk(next);
					path.pop();
				}
			}
		};
		walk(start);
	}
	return cycles.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

export function formatCycle(cycle: string[]): string {
	return cycle.join(' → ');
}

// Imports point one way (docs/architecture.md, "Dependency direction"): no file imports itself
// back through others, and the sync server's folders form layers, so no folder reaches back
// into one that depends on it. Each failure lists every cycle as `a.ts → b.ts → a.ts`.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
	buildImportGraph,
	collapseGraph,
	findCycles,
	formatCycle,
	importSpecifiers,
	type ImportGraph
} from '../../support/import-graph';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const folders = ['src', 'workers', 'sync-server', 'registry-store', 'training', 'scripts', 'bench'];

/** sync-server/<folder>/… → sync-server/<folder>; its top-level files stay themselves. */
function serverFolder(path: string): string | null {
	const parts = path.split('/');
	if (parts[0] !== 'sync-server') return null;
	return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path;
}

function graphOf(edges: Record<string, string[]>): ImportGraph {
	return new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));
}

describe('the import graph', () => {
	const graph = buildImportGraph(root, folders);

	it('reads every kind of source, aliases included', () => {
		const edges = (file: string) => [...(graph.get(file) ?? [])];
		expect(graph.size).toBeGreaterThan(200);
		// A route's .svelte file importing through $lib; the server reaching src/lib by path.
		expect([...graph.keys()].some((file) => file.endsWith('.svelte'))).toBe(true);
		expect(
			[...graph].some(
				([file, to]) =>
					file.endsWith('.svelte') && [...to].some((target) => target.startsWith('src/lib/'))
			)
		).toBe(true);
		expect(edges('sync-server/app.ts')).toContain('sync-server/http/api-error.ts');
	});

	it('has no file-level cycles', () => {
		expect(findCycles(graph).map(formatCycle)).toEqual([]);
	});

	it("has no cycles between the sync server's folders", () => {
		expect(findCycles(collapseGraph(graph, serverFolder)).map(formatCycle)).toEqual([]);
	});
});

describe('cycle finding', () => {
	it('finds a deliberate cycle, each cycle once, from its smallest file', () => {
		const graph = graphOf({
			'a.ts': ['b.ts'],
			'b.ts': ['c.ts', 'a.ts'],
			'c.ts': ['a.ts', 'd.ts'],
			'd.ts': [],
			'e.ts': ['e.ts']
		});
		expect(findCycles(graph).map(formatCycle)).toEqual([
			'a.ts → b.ts → a.ts',
			'a.ts → b.ts → c.ts → a.ts',
			'e.ts → e.ts'
		]);
	});

	it('finds none in a graph whose arrows all point one way', () => {
		const graph = graphOf({
			'a.ts': ['b.ts', 'c.ts'],
			'b.ts': ['c.ts'],
			'c.ts': []
		});
		expect(findCycles(graph)).toEqual([]);
	});

	it('finds folder cycles once files are collapsed to their folders', () => {
		const graph = graphOf({
			'sync-server/tasks/submit.ts': ['sync-server/sync/context.ts'],
			'sync-server/sync/context.ts': [],
			'sync-server/sync/push.ts': ['sync-server/tasks/submit.ts'],
			'sync-server/app.ts': ['sync-server/sync/push.ts']
		});
		expect(findCycles(graph)).toEqual([]);
		expect(findCycles(collapseGraph(graph, serverFolder)).map(formatCycle)).toEqual([
			'sync-server/sync → sync-server/tasks → sync-server/sync'
		]);
	});

	it("reads a .svelte file's script blocks and every form of import", () => {
		const svelte = [
			'<script module>import { a } from "./a";</script>',
			'<script lang="ts">',
			'\timport type { B } from "$lib/b";',
			'\timport C from "./C.svelte";',
			'\tconst d = import("./d");',
			'\tlet x: number = 1;',
			'</script>',
			'<p>{x}</p>'
		].join('\n');
		expect(importSpecifiers('X.svelte', svelte)).toEqual(['./a', '$lib/b', './C.svelte', './d']);
		expect(importSpecifiers('x.ts', "export * from './e';\nexport { f } from './f';")).toEqual([
			'./e',
			'./f'
		]);
	});
});

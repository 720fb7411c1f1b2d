// The layer rules in eslint.config.js, each shown failing on a deliberate violation and passing
// on the import its layer is allowed. `npm test`'s lint step shows the tree itself obeys them.
import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { libraryLayers } from '../../../eslint.config.js';

const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath });
	return result.messages
		.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
		.map((m) => m.message);
}

const cases: {
	layer: string;
	file: string;
	forbidden: string[];
	allowed: string[];
	why: RegExp;
}[] = [
	{
		layer: 'a worker',
		file: 'workers/backends/example.ts',
		forbidden: [
			'../../training/seed/generate',
			'$lib/components/chat/ChatMessage.svelte',
			'../../src/routes/+page.svelte',
			'$lib/db/database'
		],
		allowed: ['$lib/protocol/inference', '$lib/shared/random', '../sampling'],
		why: /worker runs in the browser/
	},
	{
		layer: 'the server',
		file: 'sync-server/tasks/example.ts',
		forbidden: ['../../src/lib/db/database', '../../src/routes/+layout', '$lib/chat/tree'],
		allowed: ['../../src/lib/protocol/sync', '../../src/lib/shared/random', '../trees/x'],
		why: /server shares only/
	},
	{
		layer: 'library code',
		file: 'src/lib/chat/example.ts',
		forbidden: [
			'$lib/components/chat/ChatMessage.svelte',
			'../components/chat/ChatMessage.svelte',
			'../../routes/+page.svelte',
			'$app/navigation'
		],
		allowed: ['$lib/db/database', '../protocol/sync', './tree'],
		why: /must not import components, routes/
	},
	{
		layer: 'the database folder',
		file: 'src/lib/db/records/example.ts',
		forbidden: [
			'$lib/tools/tool-settings',
			'../../chat/tree',
			'$lib/sync/sync-engine',
			'../../privacy/pii'
		],
		allowed: ['$lib/protocol/inference', '$lib/shared/random', './message', '../open'],
		why: /src\/lib\/db may import only src\/lib\/protocol, src\/lib\/shared/
	},
	{
		layer: 'the chat folder',
		file: 'src/lib/chat/example.ts',
		forbidden: [
			'$lib/contribute/task-draft',
			'../contribute/pii',
			'$lib/models/model-manager.svelte'
		],
		allowed: [
			'$lib/privacy/pii',
			'$lib/tools/tool-settings',
			'$lib/sync/sync-engine',
			'$lib/db/open'
		],
		why: /src\/lib\/chat may import only src\/lib\/db, src\/lib\/privacy/
	},
	{
		layer: 'the pipeline',
		file: 'training/datasets/example.ts',
		forbidden: [
			'../../src/lib/db/database',
			'../../workers/sampling',
			'../../sync-server/config',
			'$lib/chat/tree'
		],
		allowed: ['../../src/lib/protocol/registry', '../../src/lib/shared/chat-format', '../seed/x'],
		why: /pipeline meets the app and the server only through files/
	},
	{
		layer: 'the protocol',
		file: 'src/lib/protocol/example.ts',
		forbidden: ['../db/database', '$lib/chat/tree', '../../../sync-server/config'],
		allowed: ['$lib/shared/random', '$lib/shared/zod-issues', './errors'],
		why: /imports only its own files and src\/lib\/shared/
	},
	{
		layer: 'the shared folder',
		file: 'src/lib/shared/example.ts',
		forbidden: ['../protocol/sync', '$lib/protocol/sync', '$lib/db/database'],
		allowed: ['./random', '$lib/shared/random', 'zod'],
		why: /imports nothing from the repository outside itself/
	}
];

describe.each(cases)('the layer rules for $layer', ({ file, forbidden, allowed, why }) => {
	it.each(forbidden)('refuse %s, saying why', async (source) => {
		const messages = await restrictedImports(file, `import { x } from '${source}';\nx();\n`);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatch(why);
	});

	it('allow what the layer may use', async () => {
		const code = allowed.map((source, i) => `import { x${i} } from '${source}';\nx${i}();\n`);
		expect(await restrictedImports(file, code.join(''))).toEqual([]);
	});
});

describe('the folders of src/lib', () => {
	const placed = Object.keys(libraryLayers);

	it('each have a place in the layers, but the components and the two floors', () => {
		const folders = readdirSync('src/lib', { withFileTypes: true })
			.filter((entry) => entry.isDirectory())
			.map((entry) => entry.name)
			.filter((name) => !['components', 'protocol', 'shared'].includes(name));
		expect([...placed].sort()).toEqual(folders.sort());
	});

	it('refuse a lazy import() of a folder beside or above, as a static one', async () => {
		const lazy = (source: string) => `export const later = () => import('${source}');\n`;
		for (const source of ['$lib/tools/tool-settings', '../../chat/tree', '../../sync/sync-engine'])
			expect(await restrictedImports('src/lib/db/records/example.ts', lazy(source))).toEqual([
				expect.stringMatching(/^src\/lib\/db may import only src\/lib\/protocol/)
			]);
		expect(await restrictedImports('src/lib/state/example.ts', lazy('$lib/db/open'))).toEqual([]);
		expect(await restrictedImports('src/lib/chat/example.ts', lazy('./queue-donation'))).toEqual(
			[]
		);
	});

	it('import only folders placed before them, so no import makes a cycle', () => {
		for (const [folder, allowed] of Object.entries(libraryLayers) as [string, string[]][])
			for (const below of allowed)
				expect(placed.indexOf(below), `${folder} → ${below}`).toBeLessThan(placed.indexOf(folder));
	});
});

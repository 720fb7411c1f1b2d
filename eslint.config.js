import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// no-restricted-imports matches import strings gitignore-style, and a pattern cannot re-allow a
// file whose folder is already matched: hence `src/lib/*` with `!src/lib/protocol`, not `src/**`.
const outsideProtocolAndShared = [
	'**/src/*',
	'!**/src/lib',
	'**/src/lib/*',
	'!**/src/lib/protocol',
	'!**/src/lib/shared',
	'$lib/*',
	'!$lib/protocol',
	'!$lib/shared',
	'$app/*'
];

/**
 * The folders of src/lib below the components, each with the folders it may import besides
 * its own, src/lib/protocol and src/lib/shared (which have rules of their own, below). Lower
 * folders come first; an arrow never points up, so the library has no cycle (type-only
 * `typeof import()` excepted: it loads nothing). A new folder is placed here
 * (tests/unit/app/layers.test.ts fails until it is).
 */
/** @type {Record<string, string[]>} */
export const libraryLayers = {
	format: [],
	markdown: [],
	privacy: [],
	pwa: [],
	styles: [],
	db: [],
	engine: [],
	documents: ['db', 'format'],
	sync: ['db'],
	tools: ['db'],
	chat: ['db', 'privacy', 'sync', 'tools'],
	contribute: ['chat', 'db', 'privacy', 'sync', 'tools'],
	models: ['db', 'engine', 'format', 'sync'],
	state: ['db', 'models', 'pwa', 'sync']
};

/**
 * The rules for one library folder: what it may not import, statically (`no-restricted-imports`)
 * or lazily with `import()` (`no-restricted-syntax`, which that rule does not see), and why.
 * @param {string} folder
 * @param {string[]} allowed
 * @returns {import('eslint').Linter.Config}
 */
function libraryLayer(folder, allowed) {
	const others = Object.keys(libraryLayers).filter((f) => f !== folder && !allowed.includes(f));
	const may = [...allowed, 'protocol', 'shared'].map((f) => `src/lib/${f}`).join(', ');
	const message = `src/lib/${folder} may import only ${may}: the folders of src/lib are layers, and an import from a folder beside or above would make a cycle (docs/architecture.md, "Dependency direction").`;
	const ui = {
		group: ['$lib/components/*', '**/components/*', '**/routes/*', '$app/*'],
		message:
			'Library code must not import components, routes or SvelteKit app state: they import the library, and logic here stays testable without a page.'
	};
	// As `$lib/…` and as the relative paths out of the folder or its subfolders.
	const group = others.flatMap((f) => [
		`$lib/${f}`,
		`$lib/${f}/*`,
		...['../', '../../', '../../../'].flatMap((up) => [`${up}${f}`, `${up}${f}/*`])
	]);
	const lazy = `ImportExpression[source.value=/^(\\$lib\\/|(\\.\\.\\/)+)(${others.join('|')})(\\/|$)/]`;
	return {
		files: [`src/lib/${folder}/**`],
		rules: {
			'no-restricted-imports': ['error', { patterns: [ui, { group, message }] }],
			'no-restricted-syntax': ['error', { selector: lazy, message }]
		}
	};
}

/**
 * `no-restricted-imports` for the files of one layer, with why the line is there.
 * @param {string[]} files
 * @param {string[]} group
 * @param {string} message
 * @returns {import('eslint').Linter.Config}
 */
function layer(files, group, message) {
	return {
		files,
		rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] }
	};
}

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	// The layers of docs/architecture.md ("Dependency direction"). A file matches one block
	// only: ESLint replaces, not merges, a rule's options when two blocks name the same file.
	layer(
		['src/lib/shared/**'],
		['../*', '$lib/*', '!$lib/shared', '$app/*', '$workers/*'],
		'src/lib/shared is the floor every runtime stands on (browser, worker, server, pipeline): it imports nothing from the repository outside itself.'
	),
	layer(
		['src/lib/protocol/**'],
		['../*', '$lib/*', '!$lib/protocol', '!$lib/shared', '$app/*', '$workers/*'],
		'The protocol is loaded by the browser, the worker, the server and the pipeline alike: it imports only its own files and src/lib/shared (as $lib/shared).'
	),
	...Object.entries(libraryLayers).map(([folder, allowed]) => libraryLayer(folder, allowed)),
	layer(
		['workers/**'],
		[...outsideProtocolAndShared, '**/training/*'],
		'The inference worker runs in the browser on its own: it may use src/lib/protocol and src/lib/shared, never the pipeline, components or routes.'
	),
	layer(
		['sync-server/**'],
		outsideProtocolAndShared,
		'The server shares only src/lib/protocol and src/lib/shared with the app; the rest of src/ is browser code.'
	),
	layer(
		['registry-store/**'],
		[...outsideProtocolAndShared, '**/training/*', '**/sync-server/*', '**/workers/*'],
		'The registry store is used by the pipeline and the server alike: it may import src/lib/protocol and src/lib/shared, neither of its users.'
	),
	layer(
		['training/**'],
		[...outsideProtocolAndShared, '**/workers/*', '**/sync-server/*', '$workers/*'],
		'The pipeline meets the app and the server only through files (oasst trees in, a registry out): it may import src/lib/protocol and src/lib/shared, nothing else of theirs.'
	),
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'registry/',
			'data/',
			'.cache/',
			'training/out/'
		]
	}
);

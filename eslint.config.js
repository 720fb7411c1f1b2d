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

/** `no-restricted-imports` for the files of one layer, with why the line is there. */
function layer(files, group, message, ignores = []) {
	return {
		files,
		ignores,
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
	layer(
		['src/lib/**'],
		['$lib/components/*', '**/components/*', '**/routes/*', '$app/*'],
		'Library code must not import components, routes or SvelteKit app state: they import the library, and logic here stays testable without a page.',
		['src/lib/components/**', 'src/lib/shared/**', 'src/lib/protocol/**']
	),
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

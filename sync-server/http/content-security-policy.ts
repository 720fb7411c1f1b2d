// The Content-Security-Policy of every response. Scripts come only from our origin (plus the
// hashes of the app's inline bootstrap script), WebAssembly may compile (the model runtimes),
// workers may start from our files or blob: URLs (onnxruntime-web and web-llm spawn those), and
// fetches may reach our server, the public hosts web-llm downloads its prebuilt models from, and
// Wikipedia for the encyclopedia tool (which runs only once the user allowed it).
import { ENCYCLOPEDIA_ORIGIN } from '../../src/lib/shared/tools/encyclopedia-origin';

const modelHosts = [
	'https://huggingface.co',
	'https://*.huggingface.co',
	'https://*.hf.co',
	'https://raw.githubusercontent.com'
];

/** `scriptHashes` are CSP source expressions such as `'sha256-…'` for inline scripts. */
export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
	const directives: Record<string, readonly string[]> = {
		'default-src': ["'self'"],
		'script-src': ["'self'", "'wasm-unsafe-eval'", ...scriptHashes],
		'worker-src': ["'self'", 'blob:'],
		'connect-src': ["'self'", ...modelHosts, ENCYCLOPEDIA_ORIGIN],
		'img-src': ["'self'", 'data:', 'blob:'],
		// Svelte writes style attributes (SvelteKit's own `style="display: contents"` among
		// them); style injection cannot run script, so inline styles stay allowed.
		'style-src': ["'self'", "'unsafe-inline'"],
		'font-src': ["'self'"],
		'manifest-src': ["'self'"],
		'object-src': ["'none'"],
		'base-uri': ["'self'"],
		'form-action': ["'self'"],
		'frame-ancestors': ["'none'"]
	};
	return Object.entries(directives)
		.map(([name, sources]) => `${name} ${sources.join(' ')}`)
		.join('; ');
}

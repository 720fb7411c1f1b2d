// SvelteKit's `$app/paths` as components see it in an app served from the site's root (as
// Hearth is): jsdom tests render components without SvelteKit's runtime.
export function resolve(path: string): string {
	return path;
}

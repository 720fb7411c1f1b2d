/**
 * A plain copy of `value` that IndexedDB can store. Svelte's `$state` proxies cannot be
 * structured-cloned, so every repository write passes through here.
 */
export function toStorable<T>(value: T): T {
	return $state.snapshot(value) as T;
}

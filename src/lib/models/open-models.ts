// Wires the model manager to the browser: the inference worker, Cache Storage, our registry on
// this origin and the shipped model records. Imported dynamically (see lazy-models.ts), so none
// of it weighs on the entry bundle.
import type { HearthStorage } from '$lib/db/open';
import { InferenceClient, type KeepFiles } from '$lib/engine/inference-client';
import { modelRecords } from '$lib/engine/model-records';
import { ModelManager } from './model-manager.svelte';
import { ModelStore } from './model-store';
import { RegistryClient } from './registry-client';

/** `keepFiles` has files fetched again through the service worker (see `InferenceClient`). */
export function openModels(storage: HearthStorage, keepFiles?: KeepFiles): ModelManager {
	const store = new ModelStore({
		caches,
		installs: storage.modelInstalls,
		blobs: storage.modelBlobs,
		storage: navigator.storage
	});
	const registry = new RegistryClient(new URL('/registry/', location.origin));
	return new ModelManager(
		modelRecords,
		new InferenceClient(keepFiles),
		store,
		registry,
		storage.settings
	);
}

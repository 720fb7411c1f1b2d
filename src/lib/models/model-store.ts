// What the device holds of each model: verified files in Cache Storage (`hearth-models`, keyed
// by URL), the blob index in Dexie, and per model the install state (current version and a
// download under way). Files are shared by URL between versions and variants, so removing a
// model or finishing an update deletes only the files no other install still lists.
import type { ModelBlobsRepository } from '$lib/db/model-blobs';
import type {
	ModelInstall,
	ModelInstallState,
	ModelInstallsRepository
} from '$lib/db/model-installs';
import type { ModelFiles } from '$lib/protocol/inference';
import type { WebllmModelRecord } from '$lib/protocol/model-record';
import {
	downloadFiles,
	type DownloadProgress,
	type DownloadSummary,
	type PlannedFile
} from './download';
import { isQuotaError, ModelError, quotaExceeded } from './errors';

export const MODEL_CACHE = 'hearth-models';
/** Where web-llm keeps a model's weights, kernels and config (Cache API backend). */
const WEBLLM_CACHES = ['webllm/model', 'webllm/wasm', 'webllm/config'];

export interface ModelStoreOptions {
	caches: Pick<CacheStorage, 'open'>;
	installs: ModelInstallsRepository;
	blobs: ModelBlobsRepository;
	fetch?: typeof globalThis.fetch;
	storage?: StorageManager;
	now?: () => number;
}

export interface InstallOptions {
	signal?: AbortSignal;
	onProgress?: (progress: DownloadProgress) => void;
	stage?: boolean;
}

export class ModelStore {
	private readonly now: () => number;

	constructor(private readonly options: ModelStoreOptions) {
		this.now = options.now ?? Date.now;
	}

	state(recordId: string): Promise<ModelInstallState> {
		return this.options.installs.get(recordId);
	}

	all(): Promise<Map<string, ModelInstallState>> {
		return this.options.installs.all();
	}

	/**
	 * Fetches the files of `version` that are not held yet and, once all are verified, makes it
	 * the version in use; the previous version's files that nothing else lists are then deleted.
	 * Interrupted (closed tab, lost network, pause), the pending install records where to resume.
	 * With `stage`, a version that replaces a held one stays pending (complete) beside it until
	 * `promote` or `discardPending`: an update is used only once it has been seen to load.
	 */
	async install(
		recordId: string,
		version: number | null,
		files: PlannedFile[],
		options: InstallOptions = {}
	): Promise<DownloadSummary> {
		try {
			return await this.#install(recordId, version, files, options);
		} catch (error) {
			// The download's own writes are covered where they happen; this catches the
			// bookkeeping around them (IndexedDB shares the origin's quota with the cache).
			if (isQuotaError(error))
				throw await quotaExceeded(
					files.reduce((sum, f) => sum + f.size, 0),
					error,
					this.options.storage
				);
			throw error;
		}
	}

	async #install(
		recordId: string,
		version: number | null,
		files: PlannedFile[],
		options: InstallOptions
	): Promise<DownloadSummary> {
		const before = await this.options.installs.get(recordId);
		const pending: ModelInstall = {
			recordId,
			version,
			files,
			complete: false,
			updatedAt: this.now()
		};
		// A different pending version (an update published mid-download) is replaced; its files
		// already fetched stay in the cache and count for the new one where they are the same.
		const abandoned = before.pending?.version !== version ? before.pending : null;
		await this.options.installs.set(recordId, { current: before.current, pending });
		if (abandoned) await this.#collect(abandoned.files);

		const cache = await this.options.caches.open(MODEL_CACHE);
		const summary = await downloadFiles(files, {
			cache,
			fetch: this.options.fetch,
			storage: this.options.storage,
			signal: options.signal,
			onProgress: options.onProgress,
			onStored: async (file, sha256) => {
				if (sha256)
					await this.options.blobs.record({
						sha256,
						model: recordId,
						path: file.path,
						size: file.size,
						storedAt: this.now()
					});
			}
		});
		const complete: ModelInstall = { ...pending, complete: true, updatedAt: this.now() };
		if (options.stage && before.current?.complete)
			await this.options.installs.set(recordId, { current: before.current, pending: complete });
		else {
			await this.options.installs.set(recordId, { current: complete, pending: null });
			if (before.current) await this.#collect(before.current.files);
		}
		return summary;
	}

	/** Makes a staged (complete, pending) version the one in use and drops the old one's own files. */
	async promote(recordId: string): Promise<void> {
		const { current, pending } = await this.options.installs.get(recordId);
		if (!pending?.complete) throw new Error(`${recordId} has no downloaded version to switch to`);
		await this.options.installs.set(recordId, { current: pending, pending: null });
		if (current) await this.#collect(current.files);
	}

	/** Forgets a staged or partial version, keeping the one in use and every file it lists. */
	async discardPending(recordId: string): Promise<void> {
		const { current, pending } = await this.options.installs.get(recordId);
		if (!pending) return;
		await this.options.installs.set(recordId, { current, pending: null });
		await this.#collect(pending.files);
	}

	/** Bytes of `files` not in the cache yet: what installing them would download. */
	async missingBytes(files: readonly PlannedFile[]): Promise<number> {
		const cache = await this.options.caches.open(MODEL_CACHE);
		let bytes = 0;
		for (const file of files) if (!(await cache.match(file.url))) bytes += file.size;
		return bytes;
	}

	/** Marks a model whose files another cache holds (web-llm) as installed. */
	async markInstalled(recordId: string): Promise<void> {
		await this.options.installs.set(recordId, {
			current: { recordId, version: null, files: [], complete: true, updatedAt: this.now() },
			pending: null
		});
	}

	/** Deletes everything held for the model, keeping files another installed model still uses. */
	async remove(recordId: string, webllm?: WebllmModelRecord): Promise<void> {
		const state = await this.options.installs.get(recordId);
		await this.options.installs.set(recordId, { current: null, pending: null });
		await this.#collect([...(state.current?.files ?? []), ...(state.pending?.files ?? [])]);
		if (webllm) await this.#removeWebllm(webllm);
	}

	/**
	 * The current version's files for the engine (path → Blob). Every one was verified before it
	 * was stored; a file gone missing since (the browser evicted it, storage was cleared) is
	 * reported rather than handed over incomplete. `staged` asks for the version waiting to be
	 * switched to instead.
	 */
	async files(recordId: string, which: 'current' | 'staged' = 'current'): Promise<ModelFiles> {
		const state = await this.options.installs.get(recordId);
		const install = which === 'current' ? state.current : state.pending;
		if (!install?.complete) throw new ModelError('missing', 'This model is not downloaded yet.');
		const cache = await this.options.caches.open(MODEL_CACHE);
		const files: ModelFiles = {};
		const missing: string[] = [];
		for (const file of install.files) {
			const blob = await (await cache.match(file.url))?.blob();
			if (blob?.size === file.size) files[file.path] = blob;
			else missing.push(file.path);
		}
		if (missing.length)
			throw new ModelError(
				'missing',
				`${missing.length} of the model's files are no longer stored on this device (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); the browser may have cleared them to free space. Download the model again.`
			);
		return files;
	}

	/** Bytes each model's files take (current and pending versions; shared files count for each). */
	async bytesByModel(): Promise<Map<string, number>> {
		const cache = await this.options.caches.open(MODEL_CACHE);
		const bytes = new Map<string, number>();
		for (const [recordId, state] of await this.options.installs.all()) {
			let total = 0;
			const seen = new Set<string>();
			for (const file of [...(state.current?.files ?? []), ...(state.pending?.files ?? [])]) {
				if (seen.has(file.url)) continue;
				seen.add(file.url);
				if (await cache.match(file.url)) total += file.size;
			}
			bytes.set(recordId, total);
		}
		return bytes;
	}

	/** Deletes the `candidates` that no install lists any more, from the cache and the index. */
	async #collect(candidates: readonly PlannedFile[]): Promise<void> {
		if (!candidates.length) return;
		const listed = new Set<string>();
		for (const state of (await this.options.installs.all()).values())
			for (const file of [...(state.current?.files ?? []), ...(state.pending?.files ?? [])])
				listed.add(file.url);
		const cache = await this.options.caches.open(MODEL_CACHE);
		const orphans = candidates.filter((f) => !listed.has(f.url));
		for (const file of orphans) await cache.delete(file.url);
		const digests = orphans.flatMap((f) => (f.sha256 ? [f.sha256] : []));
		if (digests.length) await this.options.blobs.remove(digests);
	}

	async #removeWebllm(record: WebllmModelRecord): Promise<void> {
		for (const name of WEBLLM_CACHES) {
			const cache = await this.options.caches.open(name);
			for (const request of await cache.keys())
				if (request.url.startsWith(record.source) || request.url === record.model_lib)
					await cache.delete(request);
		}
	}
}

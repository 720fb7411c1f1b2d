// The page's handle on the inference worker. The worker is started on first use, not at import,
// so that first paint never waits for it; callbacks are wrapped for comlink here so that callers
// pass plain functions.
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type {
	ChatMessage,
	DeviceProbe,
	GenerationParamsInput,
	GenerationResult,
	InferenceWorkerApi,
	InterruptResult,
	LoadedModel,
	LoadOptions,
	LoadProgress,
	ModelFiles,
	TokenEvent
} from '$lib/protocol/inference';
import type { ModelRecord } from '$lib/protocol/model-record';

/** Fetches files again through the service worker, which keeps the ones it caches on use. */
export type KeepFiles = (urls: readonly string[]) => Promise<unknown>;

export class InferenceClient {
	private worker: Worker | null = null;
	private remote: Remote<InferenceWorkerApi> | null = null;
	private hasLoaded = false;
	/**
	 * The worker started before the service worker controlled the page (a first visit), so it
	 * stays outside it for its whole life: every file it fetches passes the offline cache by.
	 */
	private uncontrolled = false;

	constructor(private readonly keepFiles: KeepFiles = async () => {}) {}
	/** Rejecters of calls still waiting for the worker: comlink would leave them pending forever if it died. */
	private readonly pending = new Set<(error: Error) => void>();

	private api(): Remote<InferenceWorkerApi> {
		if (!this.remote) {
			const worker = new Worker(new URL('../../../workers/inference.worker.ts', import.meta.url), {
				type: 'module',
				name: 'hearth-inference'
			});
			worker.addEventListener('error', (event) => {
				const reason = event.message || 'it crashed, perhaps out of memory';
				this.stop(`The model's worker stopped: ${reason}. Load the model again to continue.`);
			});
			this.worker = worker;
			this.remote = wrap<InferenceWorkerApi>(worker);
			this.uncontrolled = !globalThis.navigator?.serviceWorker?.controller;
		}
		return this.remote;
	}

	/** Runs a call on the worker; it fails (rather than hangs) if the worker stops first. */
	private call<T>(run: (api: Remote<InferenceWorkerApi>) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.pending.add(reject);
			run(this.api())
				.then(resolve, reject)
				.finally(() => this.pending.delete(reject));
		});
	}

	probe(): Promise<DeviceProbe> {
		return this.call((api) => api.probe());
	}

	/**
	 * Loads a model from files the model manager has verified (path → Blob or URL; empty for
	 * web-llm models). A second load starts a fresh worker: WebAssembly memory never shrinks and
	 * a runtime's thread count is fixed when it starts, so the next model gets a clean slate.
	 */
	load(
		record: ModelRecord,
		files: ModelFiles,
		onProgress: (progress: LoadProgress) => void = () => {},
		options: LoadOptions = {}
	): Promise<LoadedModel> {
		if (this.hasLoaded) this.stop('Another model is being loaded.');
		this.hasLoaded = true;
		return this.call((api) => api.load(record, files, proxy(onProgress), options)).then(
			(loaded) => {
				// Best effort: a file not kept now is kept the next time a controlled worker uses it.
				this.keepWorkerFiles().catch(() => {});
				return loaded;
			}
		);
	}

	/** Streams the reply through `onToken`; resolves with the whole reply and its statistics. */
	generate(
		messages: ChatMessage[],
		params: GenerationParamsInput,
		onToken: (event: TokenEvent) => void
	): Promise<GenerationResult> {
		return this.call((api) => api.generate(messages, params, proxy(onToken)));
	}

	/** Stops the reply being generated (it ends with finishReason 'interrupted'); null when none was. */
	interrupt(): Promise<InterruptResult | null> {
		return this.call((api) => api.interrupt());
	}

	unload(): Promise<void> {
		return this.call((api) => api.unload());
	}

	/**
	 * When the worker runs outside the service worker but the page no longer does, has the files
	 * it fetched (code chunks, the WebAssembly runtime) fetched again through the service worker,
	 * so the model still starts offline. After every load, and when the service worker takes over.
	 */
	async keepWorkerFiles(): Promise<void> {
		if (!this.worker || !this.uncontrolled || !globalThis.navigator?.serviceWorker?.controller) {
			return;
		}
		await this.keepFiles(await this.call((api) => api.loadedFiles()));
	}

	/** Ends the worker and everything it holds (GPU memory included); the next call starts a new one. */
	terminate(): void {
		this.stop('The model was closed.');
	}

	private stop(reason: string): void {
		for (const reject of this.pending) reject(new Error(reason));
		this.pending.clear();
		this.remote?.[releaseProxy]();
		this.worker?.terminate();
		this.remote = null;
		this.worker = null;
		this.hasLoaded = false;
	}
}

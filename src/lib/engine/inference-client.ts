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

export class InferenceClient {
	private worker: Worker | null = null;
	private remote: Remote<InferenceWorkerApi> | null = null;
	private hasLoaded = false;

	private api(): Remote<InferenceWorkerApi> {
		if (!this.remote) {
			this.worker = new Worker(new URL('../../../workers/inference.worker.ts', import.meta.url), {
				type: 'module',
				name: 'hearth-inference'
			});
			this.remote = wrap<InferenceWorkerApi>(this.worker);
		}
		return this.remote;
	}

	probe(): Promise<DeviceProbe> {
		return this.api().probe();
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
		if (this.hasLoaded) this.terminate();
		this.hasLoaded = true;
		return this.api().load(record, files, proxy(onProgress), options);
	}

	/** Streams the reply through `onToken`; resolves with the whole reply and its statistics. */
	generate(
		messages: ChatMessage[],
		params: GenerationParamsInput,
		onToken: (event: TokenEvent) => void
	): Promise<GenerationResult> {
		return this.api().generate(messages, params, proxy(onToken));
	}

	/** Stops the reply being generated (it ends with finishReason 'interrupted'); null when none was. */
	interrupt(): Promise<InterruptResult | null> {
		return this.api().interrupt();
	}

	unload(): Promise<void> {
		return this.api().unload();
	}

	/** Ends the worker and everything it holds (GPU memory included); the next call starts a new one. */
	terminate(): void {
		this.remote?.[releaseProxy]();
		this.worker?.terminate();
		this.remote = null;
		this.worker = null;
		this.hasLoaded = false;
	}
}

import type { DownloadProgress } from './download';

type Listener = (progress: DownloadProgress) => void;

interface Running {
	done: Promise<void>;
	listeners: Set<Listener>;
	controller: AbortController;
}

/**
 * One download per model at a time: a second request joins the running one (the chat waiting
 * for the model the Models page is already fetching) and hears its progress too. Plain
 * bookkeeping, deliberately not reactive: what the UI shows lives in the manager's state.
 */
export class SharedDownloads {
	readonly #running = new Map<string, Running>();

	join(
		id: string,
		onProgress: Listener | undefined,
		start: (signal: AbortSignal, emit: Listener) => Promise<void>
	): Promise<void> {
		const running = this.#running.get(id);
		if (running) {
			if (onProgress) running.listeners.add(onProgress);
			return running.done;
		}
		const listeners = new Set<Listener>(onProgress ? [onProgress] : []);
		const controller = new AbortController();
		const emit = (progress: DownloadProgress) => {
			for (const listener of listeners) listener(progress);
		};
		const done = start(controller.signal, emit).finally(() => this.#running.delete(id));
		this.#running.set(id, { done, listeners, controller });
		return done;
	}

	/** Stops the model's download; the next one resumes where it stopped. */
	pause(id: string): void {
		this.#running.get(id)?.controller.abort(new DOMException('paused', 'AbortError'));
	}
}

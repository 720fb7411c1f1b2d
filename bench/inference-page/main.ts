// The harness page: the app's InferenceClient on `window.harness`, plus what tests and the
// benchmark measure from the page's side (streamed text in the DOM, long main-thread tasks).
import { wrap } from 'comlink';
import { InferenceClient } from '$lib/engine/inference-client';
import type { ModelFiles } from '$lib/protocol/inference';
import type { LogitsWorkerApi } from './logits.worker';

const longTasks: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
	for (const entry of list.getEntries())
		longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

const harness = {
	client: new InferenceClient(),

	/** Downloads files as Blobs, as the model manager hands them to the worker after verifying them. */
	async fetchFiles(base: string, paths: string[]): Promise<ModelFiles> {
		const entries = await Promise.all(
			paths.map(async (path) => {
				const response = await fetch(`${base}/${path}`);
				if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
				return [path, await response.blob()] as const;
			})
		);
		return Object.fromEntries(entries);
	},

	logits: wrap<LogitsWorkerApi>(
		new Worker(new URL('./logits.worker.ts', import.meta.url), { type: 'module' })
	).logits,

	/** Shows streamed text the way a chat does: one DOM update per token. */
	show(text: string): void {
		document.getElementById('reply')!.textContent += text;
	},

	clear(): void {
		document.getElementById('reply')!.textContent = '';
		longTasks.length = 0;
	},

	longestTaskMs(since = 0): number {
		return Math.max(0, ...longTasks.filter((t) => t.start >= since).map((t) => t.duration));
	}
};

export type Harness = typeof harness;
(window as unknown as { harness: Harness }).harness = harness;

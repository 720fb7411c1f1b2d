// The chat page shows the conversations as soon as storage is open; the model manager (and the
// worker behind it) is waited for only when a reply is asked for.
import type { ReplyEngine } from './chat-session.svelte';

/** A reply engine that asks `load` for the real one at each use, never before the first. */
export function lazyReplyEngine(load: () => Promise<ReplyEngine>): ReplyEngine {
	return {
		ready: async (onProgress) => (await load()).ready(onProgress),
		versionOf: async (modelId) => (await load()).versionOf(modelId),
		toolUse: async (modelId) => (await load()).toolUse(modelId),
		generate: async (messages, params, onToken) =>
			(await load()).generate(messages, params, onToken),
		interrupt: async () => (await load()).interrupt()
	};
}

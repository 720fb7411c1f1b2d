/**
 * Unsent input, saved on every change so nothing typed is ever lost. `key` is a task id for
 * contribution work or a composer id (e.g. `chat:<conversationId>`) for the chat box; `value`
 * is whatever that form holds (text, a ranking order, label values).
 */
export interface StoredDraft<V = unknown> {
	key: string;
	value: V;
	updatedAt: number;
}

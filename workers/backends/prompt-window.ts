// Fitting a conversation into a model's context window, for a backend that renders and tokenizes
// its own prompts (ONNX): the rendered prompt's ids, with room left for the reply.
import type { ChatMessage, GenerationParams } from '$lib/protocol/inference';
import type { ChatFormat } from '$lib/shared/chat-format';

type PromptFormat = Pick<ChatFormat, 'encode' | 'render' | 'readsTools'>;

/**
 * The prompt's ids, leaving room for a reply (its max tokens, at most a quarter of the window):
 * when the conversation is longer than the context window, the oldest exchanges after the system
 * message are left out, as a person forgets the start of a long talk. Whole exchanges, from a
 * user's message to the next: many templates refuse a conversation that opens with a reply, and
 * a tool result is no use without the call it answers. The newest exchange must fit, and an error
 * names its last message when it does not.
 */
export function fitPrompt(
	chat: PromptFormat,
	messages: ChatMessage[],
	params: Pick<GenerationParams, 'maxTokens' | 'tools'>,
	window: number
): number[] {
	const room = Math.min(params.maxTokens, Math.ceil(window / 4));
	const extra = chat.readsTools && params.tools.length ? { tools: params.tools } : {};
	const system = messages[0].role === 'system' ? [messages[0]] : [];
	let rest = messages.slice(system.length);
	let ids = chat.encode(renderPrompt(chat, [...system, ...rest], extra));
	while (ids.length + room > window) {
		const next = rest.findIndex((m, i) => i > 0 && m.role === 'user');
		if (next === -1) break;
		rest = rest.slice(next);
		ids = chat.encode(renderPrompt(chat, [...system, ...rest], extra));
	}
	if (ids.length >= window) {
		const size = `${ids.length} tokens, and it reads at most ${window}`;
		throw new Error(
			rest.at(-1)?.role === 'tool'
				? `A tool's result is too long for this model (${size}). Ask for less, or turn the tool off in Settings → Tools.`
				: `The message is too long for this model: ${size}. Shorten it or start a new conversation.`
		);
	}
	return ids;
}

/**
 * The text the model continues. After a user message: the conversation and the assistant's
 * header. After an assistant message (Continue on a reply cut short): the conversation up to
 * the end of that reply's text, without its end of turn, as Hugging Face's
 * `continue_final_message` does, so the model carries on where it stopped.
 */
function renderPrompt(
	chat: PromptFormat,
	messages: ChatMessage[],
	extra: Record<string, unknown>
): string {
	const last = messages[messages.length - 1];
	if (last.role !== 'assistant') return chat.render(messages, true, extra);
	if (!last.content) return chat.render(messages.slice(0, -1), true, extra);
	const full = chat.render(messages, false, extra);
	return full.slice(0, full.lastIndexOf(last.content) + last.content.length);
}

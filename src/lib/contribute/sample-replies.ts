// A sampling task's work on the device: the model chat uses answers the task's conversation
// k times with sampling on (the spread between replies is what ranking learns from), each reply
// named by the model and version that wrote it. A reply the personal-data check marks starts as
// dropped; the contributor decides.
import type { ReplyEngine } from '$lib/chat/chat-session.svelte';
import type { ChatMessage, GenerationParamsInput } from '$lib/protocol/inference';
import { versionedModelName } from '$lib/protocol/donations';
import type { ConversationMessage } from '$lib/protocol/tasks';
import { findPii } from '$lib/privacy/pii';
import type { SampledReply } from './task-draft';

/** Varied enough that k replies differ, tame enough that they stay on topic. */
export const SAMPLING: GenerationParamsInput = { temperature: 0.9, topP: 0.95, maxTokens: 400 };

export async function sampleReplies(
	engine: Pick<ReplyEngine, 'ready' | 'versionOf' | 'generate'>,
	conversation: readonly ConversationMessage[],
	k: number,
	onReply: (done: number) => void = () => {}
): Promise<SampledReply[]> {
	const modelId = await engine.ready(() => {});
	const modelName = versionedModelName(modelId, await engine.versionOf(modelId));
	const messages: ChatMessage[] = conversation.map((m) => ({
		role: m.role === 'prompter' ? 'user' : 'assistant',
		content: m.text
	}));
	const replies: SampledReply[] = [];
	for (let i = 0; i < k; i++) {
		const { text } = await engine.generate(messages, SAMPLING, () => {});
		const trimmed = text.trim();
		if (trimmed !== '')
			replies.push({ text: trimmed, modelName, keep: findPii(trimmed).length === 0 });
		onReply(i + 1);
	}
	return replies;
}

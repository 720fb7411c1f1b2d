// web-llm needs WebGPU and its prebuilt weights, neither of which exists here; these tests drive
// our translation layer with an engine that streams chunks shaped like web-llm's.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, MLCEngine } from '@mlc-ai/web-llm';
import { WebllmBackend } from '$workers/backends/webllm';
import { generationParams } from '$lib/protocol/inference';
import { parseToolCalls, toolsAsText } from '$lib/shared/tool-calls';
import { calculator } from '$lib/shared/tools/calculator';
import { toolSpec } from '$lib/shared/tools/tool';

const info = {
	modelId: 'smollm2-360m-instruct-q4f32_1',
	runtime: 'webllm' as const,
	device: 'webgpu' as const,
	threads: null,
	contextWindow: 4096,
	toolUse: 'prompt' as const,
	loadMs: 1
};

function chunk(content: string, finish: string | null = null, usage?: object): ChatCompletionChunk {
	return {
		id: 'c',
		object: 'chat.completion.chunk',
		created: 0,
		model: info.modelId,
		choices: content || finish ? [{ index: 0, delta: { content }, finish_reason: finish }] : [],
		...(usage ? { usage } : {})
	} as ChatCompletionChunk;
}

/** An engine streaming `pieces`; interruptGenerate makes it end the stream with finish_reason "abort". */
function engine(pieces: string[], finish = 'stop') {
	const requests: unknown[] = [];
	let interrupted = false;
	const fake = {
		interruptGenerate: async () => {
			interrupted = true;
		},
		chat: {
			completions: {
				create: async (request: unknown) => {
					requests.push(request);
					return (async function* () {
						for (const piece of pieces) {
							if (interrupted) {
								yield chunk('', 'abort');
								return;
							}
							yield chunk(piece);
							await new Promise((resolve) => setTimeout(resolve, 1));
						}
						yield chunk('', finish);
						yield chunk('', null, {
							prompt_tokens: 12,
							completion_tokens: pieces.length + 1,
							total_tokens: 12 + pieces.length + 1,
							extra: {
								prefill_tokens_per_s: 300,
								decode_tokens_per_s: 40,
								time_to_first_token_s: 0.25
							}
						});
					})();
				}
			}
		}
	};
	return { engine: fake as unknown as MLCEngine, requests };
}

const question = [{ role: 'user' as const, content: 'Hi?' }];

describe('WebllmBackend', () => {
	it("streams web-llm's deltas and reports its own token counts and speeds", async () => {
		const { engine: fake, requests } = engine(['Hel', 'lo', '!'], 'length');
		const streamed: [string, number][] = [];
		const params = generationParams.parse({
			temperature: 0.5,
			topP: 0.8,
			maxTokens: 3,
			seed: 9,
			stop: ['\n\n']
		});
		const result = await new WebllmBackend(fake, info).generate(
			question,
			params,
			(text, index) => streamed.push([text, index]),
			new AbortController().signal
		);
		expect(streamed).toEqual([
			['Hel', 1],
			['lo', 2],
			['!', 3]
		]);
		expect(result).toEqual({
			text: 'Hello!',
			finishReason: 'length',
			stats: {
				promptTokens: 12,
				cachedPromptTokens: 0,
				completionTokens: 4,
				prefillTokensPerSecond: 300,
				decodeTokensPerSecond: 40,
				timeToFirstTokenMs: 250
			}
		});
		expect(requests[0]).toMatchObject({
			messages: question,
			stream: true,
			max_tokens: 3,
			temperature: 0.5,
			top_p: 0.8,
			repetition_penalty: 1.1,
			seed: 9,
			stop: ['\n\n']
		});
	});

	it('gives a model tools as Hermes prompt text and streams back the call it writes', async () => {
		const call =
			'<tool_call>\n{"name": "calculator", "arguments": {"expression": "347 * 829"}}\n</tool_call>';
		const { engine: fake, requests } = engine([call]);
		const tools = [toolSpec(calculator)];
		const conversation = [
			{ role: 'user' as const, content: 'What is 347 * 829?' },
			{
				role: 'assistant' as const,
				content: '',
				tool_calls: [
					{
						type: 'function' as const,
						function: { name: 'calculator', arguments: { expression: '1+1' } }
					}
				]
			},
			{ role: 'tool' as const, content: '2' }
		];
		const result = await new WebllmBackend(fake, info).generate(
			conversation,
			generationParams.parse({ tools }),
			() => {},
			new AbortController().signal
		);
		expect(parseToolCalls(result.text).calls).toEqual([
			{ ok: true, name: 'calculator', arguments: { expression: '347 * 829' } }
		]);
		const sent = (requests[0] as { messages: { role: string; content: string }[] }).messages;
		expect(sent).toEqual(toolsAsText(conversation, tools));
		expect(sent[0].content).toContain('"name":"calculator"');
		expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
		expect(requests[0]).not.toHaveProperty('tools');
	});

	it('an abort interrupts web-llm and the reply ends as interrupted', async () => {
		const { engine: fake } = engine(['a', 'b', 'c', 'd', 'e', 'f']);
		const controller = new AbortController();
		const result = await new WebllmBackend(fake, info).generate(
			question,
			generationParams.parse({}),
			(_text, index) => {
				if (index === 2) controller.abort();
			},
			controller.signal
		);
		expect(result.finishReason).toBe('interrupted');
		expect(result.text).toBe('ab');
	});

	it('refuses to continue a reply, which web-llm cannot do, with a message saying what to do', async () => {
		const { engine: fake, requests } = engine(['x']);
		const continuing = [...question, { role: 'assistant' as const, content: 'Half a' }];
		await expect(
			new WebllmBackend(fake, info).generate(
				continuing,
				generationParams.parse({}),
				() => {},
				new AbortController().signal
			)
		).rejects.toThrow(
			'smollm2-360m-instruct-q4f32_1 cannot continue a reply; regenerate it instead'
		);
		expect(requests).toEqual([]);
	});
});

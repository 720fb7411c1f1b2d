import { describe, expect, it } from 'vitest';
import { lazyReplyEngine } from '$lib/chat/lazy-engine';
import { ScriptedEngine } from './scripted-engine';

describe('lazyReplyEngine', () => {
	it('asks for the real engine only when a reply is wanted, then passes every call through', async () => {
		const real = new ScriptedEngine();
		real.replies = ['Five.'];
		let loads = 0;
		const engine = lazyReplyEngine(async () => {
			loads++;
			return real;
		});
		expect(loads).toBe(0);

		const progress: string[] = [];
		expect(await engine.ready((p) => progress.push(p.text))).toBe('scripted-model');
		expect(progress).toEqual(['Loading the scripted model']);
		expect(await engine.versionOf('scripted-model')).toBe(3);
		const tokens: string[] = [];
		const result = await engine.generate(
			[{ role: 'user', content: 'What is 2 plus 3?' }],
			{ maxTokens: 8 },
			(event) => tokens.push(event.text)
		);
		expect(tokens.join('')).toBe('Five.');
		expect(result.finishReason).toBe('stop');
		await engine.interrupt();
		expect(real.prompts[0].messages).toEqual([{ role: 'user', content: 'What is 2 plus 3?' }]);
		expect(loads).toBe(4);
	});

	it('hands a failure to load to the caller of that use', async () => {
		const engine = lazyReplyEngine(() => Promise.reject(new Error('no WebGPU, no WASM')));
		await expect(engine.ready(() => {})).rejects.toThrow('no WebGPU, no WASM');
	});
});

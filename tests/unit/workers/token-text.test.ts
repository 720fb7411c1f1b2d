import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenTextStream } from '$workers/token-text';

// The demo tokenizer is byte-level: a multi-byte character spans several tokens.
const tokenizer = new Tokenizer(
	JSON.parse(readFileSync('training/demo-tokenizer/tokenizer.json', 'utf8')),
	JSON.parse(readFileSync('training/demo-tokenizer/tokenizer_config.json', 'utf8'))
);
const decode = (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: true });

describe('TokenTextStream', () => {
	it('emits each character once it is complete and never a replacement character', () => {
		const text = 'héllo 👋 wörld — 日本';
		const stream = new TokenTextStream(decode);
		const deltas = tokenizer.encode(text).ids.map((id) => stream.push(id));
		expect(deltas.join('') + stream.flush()).toBe(text);
		expect(deltas.some((delta) => delta.includes('\uFFFD'))).toBe(false);
		// 👋 is four byte tokens: the first three complete nothing.
		const wave = tokenizer.encode('👋').ids;
		const waveStream = new TokenTextStream(decode);
		expect(wave.map((id) => waveStream.push(id))).toEqual(['', '', '', '👋']);
	});

	it('leaves special tokens out of the text', () => {
		const stream = new TokenTextStream(decode);
		const ids = tokenizer.encode('ok<|im_end|>').ids;
		expect(ids.map((id) => stream.push(id)).join('')).toBe('ok');
	});

	it('flushes an incomplete character at the end as U+FFFD rather than dropping it silently', () => {
		const stream = new TokenTextStream(decode);
		const [first] = tokenizer.encode('é').ids;
		expect(stream.push(first)).toBe('');
		expect(stream.flush()).toBe('\uFFFD');
	});
});

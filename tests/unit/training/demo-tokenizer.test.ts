import { Tokenizer } from '@huggingface/tokenizers';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = 'training/demo-tokenizer';
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const tokenizer = new Tokenizer(
	read(`${dir}/tokenizer.json`),
	read(`${dir}/tokenizer_config.json`)
);

describe('demo tokenizer', () => {
	it('maps every byte to its own id, so any text encodes to its UTF-8 bytes', () => {
		const text = 'Grüße, 世界! 🙂 tabs\tand\nnewlines  ';
		expect(tokenizer.encode(text, { add_special_tokens: false }).ids).toEqual([
			...new TextEncoder().encode(text)
		]);
		expect(tokenizer.get_vocab(true).size).toBe(259);
	});

	it('decodes back to the same text', () => {
		for (const text of [
			'Hello World',
			'héllo ✓ 日本 🙂',
			' leading and trailing ',
			'"quoted" 37 + 45 = 82.'
		]) {
			expect(tokenizer.decode(tokenizer.encode(text).ids)).toBe(text);
		}
	});

	it('turns each ChatML special token into one id', () => {
		const ids = tokenizer.encode('<|im_start|>user\nhi<|im_end|>\n<|endoftext|>').ids;
		expect(ids).toEqual([257, 117, 115, 101, 114, 10, 104, 105, 258, 10, 256]);
		expect(tokenizer.decode([257, 104, 105, 258], { skip_special_tokens: true })).toBe('hi');
	});

	it('is exactly what its generator script writes', { timeout: 60_000 }, () => {
		const out = mkdtempSync(join(tmpdir(), 'hearth-tokenizer-'));
		execFileSync('node_modules/.bin/tsx', [`${dir}/make-tokenizer.ts`, out]);
		for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
			expect(readFileSync(join(out, name), 'utf8')).toBe(readFileSync(join(dir, name), 'utf8'));
		}
	});
});

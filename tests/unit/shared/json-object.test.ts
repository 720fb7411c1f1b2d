import { describe, expect, it } from 'vitest';
import { parseJsonObject } from '$lib/shared/json-object';

describe('parseJsonObject', () => {
	it('returns the object a file holds', () => {
		expect(parseJsonObject('{"vocab_size": 260}', 'config.json')).toEqual({ vocab_size: 260 });
	});

	it('names the file when the text is not JSON', () => {
		expect(() => parseJsonObject('{"a":', 'tokenizer.json')).toThrow(
			/^tokenizer\.json: not valid JSON \(/
		);
	});

	it('names the file when the JSON is not an object', () => {
		for (const text of ['[1]', 'null', '"x"', '3'])
			expect(() => parseJsonObject(text, 'config.json')).toThrow(
				'config.json: expected a JSON object'
			);
	});
});

import { describe, expect, it } from 'vitest';
import { formatBytes } from '$lib/format/bytes';

describe('formatBytes', () => {
	it.each([
		[0, '0 B'],
		[999, '999 B'],
		[1000, '1 KB'],
		[812_345, '812 KB'],
		[1_449_000_000, '1.4 GB'],
		[12_340_000, '12.3 MB'],
		[999_960, '1 MB'],
		[5e15, '5000 TB']
	])('%d bytes reads %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});

	it('names a value that is not a byte count', () => {
		expect(() => formatBytes(-1)).toThrow('not a byte count: -1');
		expect(() => formatBytes(Number.NaN)).toThrow('not a byte count: NaN');
	});
});

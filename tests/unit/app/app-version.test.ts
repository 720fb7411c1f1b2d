import { describe, expect, it } from 'vitest';
import { describeVersion } from '$lib/format/version';

describe('describeVersion', () => {
	it('reads a timestamp build id as the date and time of the build', () => {
		expect(describeVersion('0.1.0', '1764879840000', 'en-GB', 'UTC')).toEqual({
			text: 'Hearth 0.1.0, built 4 December 2025 at 20:24',
			buildId: '1764879840000'
		});
	});

	it('shows a build id set by hand as it is', () => {
		expect(describeVersion('0.2.0', '2026.03-rc1').text).toBe('Hearth 0.2.0, build 2026.03-rc1');
		expect(describeVersion('0.2.0', 'e2e-1764879840000').text).toBe(
			'Hearth 0.2.0, build e2e-1764879840000'
		);
	});
});

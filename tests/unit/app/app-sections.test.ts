import { describe, expect, it } from 'vitest';
import { isInSection } from '$lib/components/app-sections';

describe('isInSection', () => {
	it('marks Chat only on the start page, not on every page', () => {
		expect(isInSection('/', '/')).toBe(true);
		expect(isInSection('/settings', '/')).toBe(false);
	});

	it('marks a section on its pages below it but not on a name that merely starts alike', () => {
		expect(isInSection('/models', '/models')).toBe(true);
		expect(isInSection('/models/smollm2', '/models')).toBe(true);
		expect(isInSection('/models-old', '/models')).toBe(false);
	});
});

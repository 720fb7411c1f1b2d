// The setup installs an entry of `systemPackages` when its check says it is missing, so every
// entry needs a check that looks at the thing actually used: a module the trainer's Python
// imports, or a presence test for a binary or library.
import { describe, expect, it } from 'vitest';
import { systemPackages } from '../../../scripts/setup.mjs';

describe('the list of system packages', () => {
	it('says for each package who uses it and how the setup tells that it is there', () => {
		for (const p of systemPackages) {
			expect(p.usedBy, p.deb).not.toBe('');
			expect(
				(p.python === undefined) !== (p.present === undefined),
				`${p.deb}: exactly one of python and present`
			).toBe(true);
		}
	});
});

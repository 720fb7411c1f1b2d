// Client compilation (jsdom) so `$state` makes a real proxy, as it does in the browser.
// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { openTestStorage } from './open-test-storage';

describe('writes from reactive state', () => {
	it('stores a $state proxy as a plain copy that later edits do not reach', async () => {
		const { storage } = openTestStorage();
		const form = $state({ ranking: ['b', 'a'], note: 'first' });

		await storage.drafts.save('task-1', form);
		form.ranking.push('c');

		expect((await storage.drafts.get('task-1'))?.value).toEqual({
			ranking: ['b', 'a'],
			note: 'first'
		});
	});
});

// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { ModelManager } from '$lib/models/model-manager.svelte';
import { holdsRegistryModel, ModelUpdateWatch } from '$lib/models/update-watch.svelte';
import { openTestStorage } from '../db/open-test-storage';
import { FakeDocument, ManualTimer } from '../support/triggers';

/** A manager that counts its looks; opening one looks once, as `init` does. */
function setup(holds = true) {
	const counts = { opened: 0, looks: 0 };
	const manager = {
		checkUpdates: async () => {
			counts.looks++;
		}
	} as unknown as ModelManager;
	const timer = new ManualTimer();
	let now = 0;
	const watch = new ModelUpdateWatch(
		async () => {
			counts.opened++;
			counts.looks++;
			return manager;
		},
		async () => holds,
		{ intervalMs: 3_600_000, staleMs: 600_000, schedule: timer.schedule, now: () => now }
	);
	return {
		watch,
		counts,
		timer,
		win: new EventTarget(),
		doc: new FakeDocument(),
		advance: (ms: number) => (now += ms)
	};
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ModelUpdateWatch', () => {
	it('looks at start, when the network returns and on its timer', async () => {
		const { watch, counts, timer, win, doc } = setup();
		const stop = watch.start(win, doc);
		await settle();
		expect(counts).toEqual({ opened: 1, looks: 1 });
		expect(watch.manager).not.toBeNull();
		expect(timer.requested).toEqual([3_600_000]);

		win.dispatchEvent(new Event('online'));
		await settle();
		expect(counts.looks).toBe(2);
		timer.fire();
		await settle();
		expect(counts).toEqual({ opened: 1, looks: 3 });

		stop();
		expect(timer.pending).toBe(false);
		win.dispatchEvent(new Event('online'));
		await settle();
		expect(counts.looks).toBe(3);
	});

	it('looks again when the page is shown only after a while', async () => {
		const { watch, counts, win, doc, advance } = setup();
		watch.start(win, doc);
		await settle();
		advance(60_000);
		doc.dispatchEvent(new Event('visibilitychange'));
		await settle();
		expect(counts.looks).toBe(1);
		advance(600_000);
		doc.visibilityState = 'hidden';
		doc.dispatchEvent(new Event('visibilitychange'));
		await settle();
		expect(counts.looks).toBe(1);
		doc.visibilityState = 'visible';
		doc.dispatchEvent(new Event('visibilitychange'));
		await settle();
		expect(counts.looks).toBe(2);
	});

	it('leaves the models unopened on a device that holds none', async () => {
		const { watch, counts, win, doc, timer } = setup(false);
		watch.start(win, doc);
		await settle();
		expect(counts).toEqual({ opened: 0, looks: 0 });
		expect(watch.manager).toBeNull();
		// It keeps looking: a model downloaded later is watched from then on.
		expect(timer.pending).toBe(true);
	});
});

describe('holdsRegistryModel', () => {
	it('is true only for a registry version on the device', async () => {
		const { storage } = openTestStorage();
		const open = async () => storage;
		expect(await holdsRegistryModel(open)).toBe(false);
		const install = { recordId: 'w', files: [], complete: true, updatedAt: 0 };
		await storage.modelInstalls.set('w', { current: { ...install, version: null }, pending: null });
		expect(await holdsRegistryModel(open)).toBe(false);
		await storage.modelInstalls.set('d', {
			current: { ...install, recordId: 'd', version: 3 },
			pending: null
		});
		expect(await holdsRegistryModel(open)).toBe(true);
	});
});

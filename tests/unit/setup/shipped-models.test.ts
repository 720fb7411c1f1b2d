// What `npm start` does with shipped-models/ to the registry it serves: a registry without the
// demo gets every shipped version; one that holds only shipped versions (a clone from before a new
// demo version shipped) gets the newer ones; one where the operator published is left alone.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
	installReport,
	installShippedModels,
	SHIPPED_REGISTRY
} from '../../../scripts/shipped-models.mjs';
import { verifyRegistry } from '../../../training/publish/verify';

const MODEL = 'hearth-demo';
const shippedIndex = JSON.parse(readFileSync(join(SHIPPED_REGISTRY, MODEL, 'index.json'), 'utf8'));
const latest: number = shippedIndex.latest;

const registries: string[] = [];
afterEach(() => {
	for (const registry of registries.splice(0)) rmSync(registry, { recursive: true, force: true });
});

function emptyRegistry(): string {
	const registry = mkdtempSync(join(tmpdir(), 'hearth-shipped-'));
	registries.push(registry);
	return registry;
}

/** Every file of the registry with the sha-256 of its bytes. */
function snapshot(registry: string): Record<string, string> {
	return Object.fromEntries(
		(readdirSync(registry, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
			.filter((entry) => entry.isFile())
			.map((entry) => {
				const path = join(entry.parentPath, entry.name);
				const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
				return [path.slice(registry.length + 1), hash];
			})
	);
}

/** The registry a clone made before version `latest` shipped: versions below it, as published then. */
function registryBeforeLatest(): string {
	const registry = emptyRegistry();
	installShippedModels(registry);
	rmSync(join(registry, MODEL, 'versions', `${latest}.json`));
	const versions = shippedIndex.versions.filter((v: number) => v < latest);
	writeFileSync(
		join(registry, MODEL, 'index.json'),
		JSON.stringify({ model: MODEL, latest: latest - 1, versions })
	);
	// Its first version's manifest was published before manifests listed the trainer checkpoint.
	const first = join(registry, MODEL, 'versions', '1.json');
	const { checkpoint: _checkpoint, ...withoutCheckpoint } = JSON.parse(readFileSync(first, 'utf8'));
	writeFileSync(first, JSON.stringify(withoutCheckpoint));
	return registry;
}

describe('installShippedModels', () => {
	it('gives a registry without the demo every shipped version, blobs and checkpoints included', async () => {
		const registry = emptyRegistry();
		expect(installShippedModels(registry)).toEqual([
			{ model: MODEL, versions: shippedIndex.versions, outcome: 'added' }
		]);
		const report = await verifyRegistry(registry);
		expect(report.problems).toEqual([]);
		const { 'README.md': _readme, ...shipped } = snapshot(SHIPPED_REGISTRY);
		expect(snapshot(registry)).toEqual(shipped);
		expect(installShippedModels(registry), 'a second start copies nothing').toEqual([]);
	});

	it('adds the newer shipped versions to a registry that holds only shipped ones', async () => {
		expect(latest, 'the demo ships more than one version').toBeGreaterThan(1);
		const registry = registryBeforeLatest();
		const firstManifest = readFileSync(join(registry, MODEL, 'versions', '1.json'), 'utf8');
		const updated = installShippedModels(registry);
		expect(updated).toEqual([{ model: MODEL, versions: [latest], outcome: 'updated' }]);
		expect(installReport(updated)).toEqual([`${MODEL} version ${latest} added to the registry`]);
		expect(JSON.parse(readFileSync(join(registry, MODEL, 'index.json'), 'utf8'))).toEqual(
			shippedIndex
		);
		expect(readFileSync(join(registry, MODEL, 'versions', `${latest}.json`), 'utf8')).toBe(
			readFileSync(join(SHIPPED_REGISTRY, MODEL, 'versions', `${latest}.json`), 'utf8')
		);
		// A published manifest is never rewritten: browsers hold it by its digest.
		expect(readFileSync(join(registry, MODEL, 'versions', '1.json'), 'utf8')).toBe(firstManifest);
		expect((await verifyRegistry(registry)).problems).toEqual([]);
	});

	it('leaves alone a model the operator published a version of, whatever its number, and says so', () => {
		// The operator's own version after the shipped ones.
		const ahead = emptyRegistry();
		installShippedModels(ahead);
		const index = join(ahead, MODEL, 'index.json');
		writeFileSync(
			index,
			JSON.stringify({
				model: MODEL,
				latest: latest + 1,
				versions: [...shippedIndex.versions, latest + 1]
			})
		);
		const before = snapshot(ahead);
		expect(installShippedModels(ahead)).toEqual([]);
		expect(snapshot(ahead)).toEqual(before);

		// The operator's own version where the shipped line has another.
		const diverged = registryBeforeLatest();
		const own = join(diverged, MODEL, 'versions', `${latest - 1}.json`);
		const manifest = JSON.parse(readFileSync(own, 'utf8'));
		manifest.files[0].sha256 = 'f'.repeat(64);
		writeFileSync(own, JSON.stringify(manifest));
		const divergedBefore = snapshot(diverged);
		const left = installShippedModels(diverged);
		expect(left).toEqual([{ model: MODEL, versions: [latest], outcome: 'left' }]);
		expect(installReport(left)).toEqual([
			`${MODEL}: shipped version ${latest} not added, because the registry holds a version of ` +
				`${MODEL} that is not a shipped one (published here, or damaged). To serve the ` +
				`shipped versions instead, remove the registry's ${MODEL} folder (its own versions go with it).`
		]);
		expect(snapshot(diverged)).toEqual(divergedBefore);

		// An index it cannot read, or one naming a manifest that is not there: the operator's to mend.
		for (const index of ['{}', 'not json', JSON.stringify({ versions: [1, 'two'] })]) {
			const broken = emptyRegistry();
			mkdirSync(join(broken, MODEL));
			writeFileSync(join(broken, MODEL, 'index.json'), index);
			expect(installShippedModels(broken), index).toEqual([]);
			expect(Object.keys(snapshot(broken))).toEqual([join(MODEL, 'index.json')]);
		}
		const missing = registryBeforeLatest();
		rmSync(join(missing, MODEL, 'versions', '1.json'));
		const missingBefore = snapshot(missing);
		expect(installShippedModels(missing).map((each) => each.outcome)).toEqual(['left']);
		expect(snapshot(missing)).toEqual(missingBefore);
	});
});

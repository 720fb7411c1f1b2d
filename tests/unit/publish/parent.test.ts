// A version's checkpoint travels with it into the registry (never into browsers) so that the
// next version can start from it: the parent stage reads it back, checked blob by blob.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registryPaths } from '../../../src/lib/protocol/registry';
import { fetchParent, parseParentRef } from '../../../training/parent/fetch-parent';
import { publishVersion, REQUIRED_FILES } from '../../../training/publish/publish';
import { verifyRegistry } from '../../../training/publish/verify';

let root: string;
let registry: string;

async function writeDir(dir: string, files: Record<string, string>) {
	for (const [path, text] of Object.entries(files)) {
		await mkdir(dirname(join(dir, path)), { recursive: true });
		await writeFile(join(dir, path), text);
	}
}

async function publish(weights: string | null) {
	const modelDir = join(root, 'model');
	await writeDir(
		modelDir,
		Object.fromEntries(REQUIRED_FILES.map((p) => [p, `${p} of ${weights}`]))
	);
	const checkpointDir = weights === null ? null : join(root, `checkpoint-${weights}`);
	if (checkpointDir) {
		await writeDir(checkpointDir, {
			'config.json': '{"model_type": "llama"}',
			'model.safetensors': weights!,
			'optimizer.pt': 'not published'
		});
	}
	return publishVersion({
		registry,
		model: 'hearth-demo',
		modelDir,
		checkpointDir,
		evaluation: { 'rm.pairwise_accuracy': weights === 'weights v2' ? 0.75 : 0.5 },
		dataDigest: 'a'.repeat(64)
	});
}

beforeEach(async () => {
	root = await mkdtemp(join(tmpdir(), 'hearth-parent-'));
	registry = join(root, 'registry');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('a published checkpoint', () => {
	it('is listed apart from the files browsers download, and verified with them', async () => {
		const { manifest } = await publish('weights v1');
		expect(manifest.files.map((f) => f.path)).toEqual([...REQUIRED_FILES].sort());
		expect(manifest.checkpoint!.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
		expect((await verifyRegistry(registry)).problems).toEqual([]);

		const blob = join(registry, registryPaths.blob(manifest.checkpoint![1].sha256));
		await writeFile(blob, 'weights v2');
		expect((await verifyRegistry(registry)).problems).toContainEqual(
			expect.stringContaining(
				'hearth-demo/versions/1.json: checkpoint/model.safetensors: expected sha256'
			)
		);
	});

	it('is read back as the latest version or a named one', async () => {
		await publish('weights v1');
		await publish('weights v2');
		const out = join(root, 'parent');
		const latest = await fetchParent(parseParentRef('hearth-demo@latest'), { registry }, out);
		expect(latest.version).toBe(2);
		expect(await readFile(join(out, 'model.safetensors'), 'utf8')).toBe('weights v2');
		expect(JSON.parse(await readFile(join(out, 'parent.json'), 'utf8'))).toEqual({
			model: 'hearth-demo',
			version: 2
		});
		// The version's own figures, which the gate shows beside the new version's.
		const kept = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
		expect(kept).toEqual(latest);
		expect(kept.evaluation['rm.pairwise_accuracy']).toBe(0.75);
		await fetchParent(parseParentRef('hearth-demo@1'), { registry }, out);
		expect(await readFile(join(out, 'model.safetensors'), 'utf8')).toBe('weights v1');
		expect(await readFile(join(out, 'config.json'), 'utf8')).toBe('{"model_type": "llama"}');
	});

	it('is refused when a blob is damaged, and leaves no file under its name', async () => {
		const { manifest } = await publish('weights v1');
		await writeFile(join(registry, registryPaths.blob(manifest.checkpoint![1].sha256)), 'rot');
		const out = join(root, 'parent');
		await expect(fetchParent(parseParentRef('hearth-demo@1'), { registry }, out)).rejects.toThrow(
			/^hearth-demo version 1: model\.safetensors is damaged in the registry/
		);
		await expect(readFile(join(out, 'model.safetensors'))).rejects.toThrow(/ENOENT/);
	});

	it('is missing from a version published without one, which says what to do', async () => {
		await publish(null);
		await expect(
			fetchParent(parseParentRef('hearth-demo@latest'), { registry }, join(root, 'p'))
		).rejects.toThrow(
			'hearth-demo version 1 was published without its checkpoint, so nothing can start from it'
		);
	});

	it('is named as <model>@<version>', async () => {
		expect(parseParentRef('hearth-demo@12')).toEqual({ model: 'hearth-demo', version: 12 });
		expect(() => parseParentRef('hearth-demo@0')).toThrow(
			'--from hearth-demo@0: expected <model>@<version> or <model>@latest'
		);
		await expect(
			fetchParent(parseParentRef('nothing@latest'), { registry }, join(root, 'p'))
		).rejects.toThrow(`${registry}/nothing/index.json: cannot read (ENOENT)`);
	});
});

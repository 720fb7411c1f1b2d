import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	parseRegistryIndex,
	parseVersionManifest,
	registryPaths
} from '../../../src/lib/protocol/registry';
import { createFileAtomic } from '../../../registry-store/files';
import { publishVersion, REQUIRED_FILES } from '../../../training/publish/publish';
import { verifyRegistry } from '../../../training/publish/verify';

const DATA_DIGEST = 'a'.repeat(64);
let root: string;
let registry: string;
let modelDir: string;

/** A model directory with the required layout; the registry does not look inside files. */
async function writeModel(files: Record<string, string>) {
	await rm(modelDir, { recursive: true, force: true });
	const all = {
		...Object.fromEntries(REQUIRED_FILES.map((path) => [path, `contents of ${path}`])),
		...files
	};
	for (const [path, text] of Object.entries(all)) {
		await mkdir(dirname(join(modelDir, path)), { recursive: true });
		await writeFile(join(modelDir, path), text);
	}
}

const publish = (model = 'hearth-demo') =>
	publishVersion({
		registry,
		model,
		modelDir,
		evaluation: { 'sft.val_ppl': 3.2 },
		dataDigest: DATA_DIGEST
	});

async function allFiles(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeEach(async () => {
	root = await mkdtemp(join(tmpdir(), 'hearth-registry-'));
	registry = join(root, 'registry');
	modelDir = join(root, 'model');
	await writeModel({
		'onnx/model_q4.onnx.layer.0.data': 'layer 0 weights',
		'onnx/model_q4.onnx.layer.1.data': 'layer 1 weights'
	});
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('publishing to the registry', () => {
	it('stores every file as a blob named by its sha-256 and writes a valid manifest and index', async () => {
		const result = await publish();
		expect(result.manifest.version).toBe(1);
		expect(result.manifest.parent).toBeNull();
		const manifest = parseVersionManifest(
			await readJson(join(registry, registryPaths.manifest('hearth-demo', 1))),
			'1.json'
		);
		expect(manifest.files.map((f) => f.path)).toEqual(
			[
				...REQUIRED_FILES,
				'onnx/model_q4.onnx.layer.0.data',
				'onnx/model_q4.onnx.layer.1.data'
			].sort()
		);
		expect(manifest.data_digest).toBe(DATA_DIGEST);
		expect(manifest.evaluation).toEqual({ 'sft.val_ppl': 3.2 });
		for (const file of manifest.files) {
			const blob = await readFile(join(registry, registryPaths.blob(file.sha256)), 'utf8');
			expect(sha256(blob)).toBe(file.sha256);
			expect(Buffer.byteLength(blob)).toBe(file.size);
		}
		expect(
			parseRegistryIndex(await readJson(join(registry, 'hearth-demo/index.json')), 'index.json')
		).toEqual({
			model: 'hearth-demo',
			latest: 1,
			versions: [1]
		});
	});

	it('adds no blob for identical weights, and one blob for one changed layer', async () => {
		await publish();
		const blobsBefore = (await readdir(join(registry, 'blobs/sha256'))).length;
		const second = await publish();
		expect(second.newBlobs).toBe(0);
		expect((await readdir(join(registry, 'blobs/sha256'))).length).toBe(blobsBefore);
		expect(second.manifest).toMatchObject({ version: 2, parent: 1 });

		await writeModel({
			'onnx/model_q4.onnx.layer.0.data': 'layer 0 weights',
			'onnx/model_q4.onnx.layer.1.data': 'layer 1 weights, fine-tuned'
		});
		const third = await publish();
		expect(third.newBlobs).toBe(1);
		expect(third.bytesAdded).toBe(Buffer.byteLength('layer 1 weights, fine-tuned'));
		expect(third.manifest).toMatchObject({ version: 3, parent: 2 });
		expect(await readJson(join(registry, 'hearth-demo/index.json'))).toEqual({
			model: 'hearth-demo',
			latest: 3,
			versions: [1, 2, 3]
		});
	});

	it('leaves nothing half-written: no temporary files, and a refused publish changes nothing', async () => {
		await publish();
		const before = (await allFiles(registry)).sort();
		await rm(join(modelDir, 'onnx/model_q4.onnx'));
		await expect(publish()).rejects.toThrow(/missing onnx\/model_q4\.onnx/);
		await writeModel({});
		await expect(publish('Hearth Demo')).rejects.toThrow(
			/model name "Hearth Demo" must be lower-case/
		);
		const after = (await allFiles(registry)).sort();
		expect(after).toEqual(before);
		expect(after.filter((path) => path.includes('.tmp-'))).toEqual([]);
	});

	it('leaves only complete blobs and no manifest when a publish fails halfway', async () => {
		await publish();
		await writeModel({ 'onnx/model_q4.onnx.layer.0.data': 'layer 0 weights, retrained' });
		// Sorted last, so the files before it are already stored when reading it fails.
		await symlink(join(root, 'nowhere'), join(modelDir, 'zz-broken-link.json'));
		await expect(publish()).rejects.toThrow(/zz-broken-link\.json/);
		expect(await readdir(join(registry, 'hearth-demo/versions'))).toEqual(['1.json']);
		expect((await allFiles(registry)).filter((path) => path.includes('.tmp-'))).toEqual([]);
		const report = await verifyRegistry(registry);
		expect(report.problems).toEqual([]);
		expect(report.blobs).toBe(9); // the retrained layer's blob, complete but not yet referenced
	});

	it('never overwrites a version another publisher wrote first', async () => {
		const path = join(registry, 'hearth-demo/versions/1.json');
		await mkdir(dirname(path), { recursive: true });
		await createFileAtomic(path, 'first');
		await expect(createFileAtomic(path, 'second')).rejects.toMatchObject({ code: 'EEXIST' });
		expect(await readFile(path, 'utf8')).toBe('first');
		expect(await readdir(dirname(path))).toEqual(['1.json']);
	});
});

describe('verifying the registry', () => {
	it('finds nothing wrong with what publish wrote', async () => {
		await publish();
		await publish();
		expect(await verifyRegistry(registry)).toEqual({ blobs: 8, manifests: 2, problems: [] });
	});

	it('reports a manifest with a wrong hash, naming the manifest, the file and both hashes', async () => {
		await publish();
		const path = join(registry, registryPaths.manifest('hearth-demo', 1));
		const manifest = await readJson(path);
		const file = manifest.files.find(
			(f: { path: string }) => f.path === 'onnx/model_q4.onnx.layer.1.data'
		);
		const right = file.sha256;
		const wrong = sha256('something else');
		file.sha256 = wrong;
		await writeFile(path, JSON.stringify(manifest));
		const { problems } = await verifyRegistry(registry);
		expect(problems).toEqual([
			`hearth-demo/versions/1.json: onnx/model_q4.onnx.layer.1.data: expected sha256 ${wrong}, but no blob has it`
		]);

		// A blob whose bytes changed: the blob and every manifest using it are reported.
		file.sha256 = right;
		await writeFile(path, JSON.stringify(manifest));
		await writeFile(join(registry, registryPaths.blob(right)), 'layer 1 weights, corrupted');
		const actual = sha256('layer 1 weights, corrupted');
		expect((await verifyRegistry(registry)).problems).toEqual([
			`blobs/sha256/${right}: content has sha256 ${actual}`,
			`hearth-demo/versions/1.json: onnx/model_q4.onnx.layer.1.data: expected sha256 ${right}, actual ${actual}`,
			`hearth-demo/versions/1.json: onnx/model_q4.onnx.layer.1.data: expected 15 bytes, actual 26`
		]);
	});

	it('reports an invalid manifest field, a stale index and a leftover temporary file', async () => {
		await publish();
		await publish();
		const path = join(registry, registryPaths.manifest('hearth-demo', 2));
		await writeFile(path, JSON.stringify({ ...(await readJson(path)), parent: 5 }));
		await writeFile(
			join(registry, 'hearth-demo/index.json'),
			JSON.stringify({ model: 'hearth-demo', latest: 1, versions: [1] })
		);
		await writeFile(join(registry, 'blobs/sha256/.tmp-123-abc'), 'partial');
		expect((await verifyRegistry(registry)).problems).toEqual([
			'blobs/sha256/.tmp-123-abc: leftover temporary file of an interrupted write',
			'hearth-demo/versions/2.json: parent: must be an earlier version than 2',
			'hearth-demo/index.json: lists versions [1] latest 1, manifests present: [1, 2]'
		]);
	});
});

describe('the manifest schema', () => {
	const valid = {
		schema: 1,
		model: 'hearth-demo',
		version: 2,
		parent: 1,
		created_at: '2026-01-02T03:04:05.000Z',
		data_digest: DATA_DIGEST,
		files: [{ path: 'onnx/model.onnx', sha256: 'b'.repeat(64), size: 10 }],
		evaluation: {}
	};

	it('accepts a well-formed manifest', () => {
		expect(parseVersionManifest(valid, 'm.json')).toEqual(valid);
	});

	it.each([
		[
			{ files: [{ path: '../etc/passwd', sha256: 'b'.repeat(64), size: 1 }] },
			'files[0].path: must be a relative path'
		],
		[
			{ files: [{ path: 'a', sha256: 'B'.repeat(64), size: 1 }] },
			'files[0].sha256: must be 64 lower-case hex digits'
		],
		[{ files: [valid.files[0], valid.files[0]] }, 'files[1].path: onnx/model.onnx is listed twice'],
		[{ schema: 2 }, 'schema:'],
		[{ created_at: 'yesterday' }, 'created_at:'],
		[{ files: [] }, 'files:']
	])('rejects %j with a message naming the field', (change, message) => {
		expect(() => parseVersionManifest({ ...valid, ...change }, 'm.json')).toThrow(
			`m.json: ${message}`
		);
	});
});

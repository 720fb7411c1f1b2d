// The pipeline's publish to a running server (training/publish/http-publish.ts): only the blobs
// the server lacks travel, so an interrupted publish resumes where it stopped and a version
// that changed one file uploads that file alone.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchParent, parseParentRef } from '../../training/parent/fetch-parent';
import { publishOverHttp } from '../../training/publish/http-publish';
import { REQUIRED_FILES } from '../../training/publish/publish';
import { verifyRegistry } from '../../training/publish/verify';
import { serviceOptions } from './support/contributors';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

let t: TestApp;
let url: string;
let token: string;
let modelDir: string;
const facts = { model: 'crowd', evaluation: { exact_match: 0.5 }, dataDigest: 'b'.repeat(64) };

beforeAll(async () => {
	// Publishing touches files, not tables: one dialect is enough here.
	t = await createTestApp('sqlite', { overrides: { service: serviceOptions() } });
	token = await trainerToken(t.config.database, 'laptop');
	await t.app.listen({ port: 0, host: '127.0.0.1' });
	url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
	modelDir = mkdtempSync(join(tmpdir(), 'hearth-model-'));
	for (const path of [...REQUIRED_FILES, 'onnx/model.onnx_data']) write(path, `${path} v1\n`);
});
afterAll(async () => {
	await t.close();
	rmSync(modelDir, { recursive: true, force: true });
});

function write(path: string, text: string): void {
	mkdirSync(dirname(join(modelDir, path)), { recursive: true });
	writeFileSync(join(modelDir, path), text);
}

it('resumes an interrupted publish by sending only the missing blobs', async () => {
	// An earlier attempt got one blob across before the network went.
	const first = Buffer.from('config.json v1\n');
	const sent = await fetch(
		`${url}/api/registry/blobs/${createHash('sha256').update(first).digest('hex')}`,
		{
			method: 'PUT',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
			body: new Uint8Array(first)
		}
	);
	expect(sent.status).toBe(201);

	const result = await publishOverHttp({ ...facts, modelDir, server: { url, token } });
	expect(result.manifest).toMatchObject({ model: 'crowd', version: 1, parent: null });
	expect(result.reusedBlobs).toBe(1);
	expect(result.newBlobs).toBe(REQUIRED_FILES.length);
	expect(await (await fetch(`${url}/registry/crowd/index.json`)).json()).toEqual({
		model: 'crowd',
		latest: 1,
		versions: [1]
	});
	// The test registry's stand-in `demo` model is not a real manifest; everything published is.
	const { problems } = await verifyRegistry(t.config.registryDir);
	expect(problems.filter((problem) => !problem.startsWith('demo/'))).toEqual([]);
});

it('uploads only the files a new version changed, as a child of the latest', async () => {
	write('onnx/model.onnx_data', 'onnx/model.onnx_data v2\n');
	const result = await publishOverHttp({ ...facts, modelDir, server: { url, token } });
	expect(result.manifest).toMatchObject({ version: 2, parent: 1 });
	expect(result.newBlobs).toBe(1);
	expect(result.bytesAdded).toBe('onnx/model.onnx_data v2\n'.length);
	expect(result.reusedBlobs).toBe(REQUIRED_FILES.length);
});

it('publishes the checkpoint beside the model, for the next version to start from', async () => {
	const checkpointDir = join(modelDir, '..', `${modelDir.split('/').pop()}-checkpoint`);
	mkdirSync(checkpointDir, { recursive: true });
	writeFileSync(join(checkpointDir, 'config.json'), '{"model_type": "llama"}');
	writeFileSync(join(checkpointDir, 'model.safetensors'), 'trained weights v3');
	write('onnx/model.onnx_data', 'onnx/model.onnx_data v3\n');
	const result = await publishOverHttp({
		...facts,
		modelDir,
		checkpointDir,
		server: { url, token }
	});
	expect(result.manifest.checkpoint?.map((f) => f.path)).toEqual([
		'config.json',
		'model.safetensors'
	]);
	const parent = join(checkpointDir, 'fetched');
	const fetched = await fetchParent(parseParentRef('crowd@latest'), { serverUrl: url }, parent);
	expect(fetched.version).toBe(result.manifest.version);
	expect(readFileSync(join(parent, 'model.safetensors'), 'utf8')).toBe('trained weights v3');
	rmSync(checkpointDir, { recursive: true, force: true });
});

it("stops with the server's reason when the token is not a trainer's", async () => {
	write('onnx/model.onnx_data', 'onnx/model.onnx_data v3\n');
	await expect(
		publishOverHttp({ ...facts, modelDir, server: { url, token: 'x'.repeat(43) } })
	).rejects.toThrow(/HTTP 403: publishing models needs a trainer token/);
	expect(await (await fetch(`${url}/registry/crowd/index.json`)).json()).toMatchObject({
		latest: 3
	});
});

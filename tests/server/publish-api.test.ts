// The publish API: a trainer uploads blobs by their sha-256, then the manifest; every way it can
// go wrong answers a clear 4xx and leaves the registry as it was, so a browser reading the index
// never meets a half-published version.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../src/lib/protocol/errors';
import { REGISTRY_SCHEMA, type VersionManifest } from '../../src/lib/protocol/registry';
import { Contributor, serviceOptions } from './support/contributors';
import { dialects } from './support/databases';
import { createTestApp, type TestApp } from './support/test-app';
import { trainerToken } from './support/trainer-token';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const files = {
	'config.json': Buffer.from('{"model_type":"llama"}\n'),
	'onnx/model.onnx': Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff)),
	'onnx/model.onnx_data': Buffer.from(Array.from({ length: 9000 }, (_, i) => (i * 31) & 0xff))
};

function manifestOf(version: number, parent: number | null, model = 'crowd'): VersionManifest {
	return {
		schema: REGISTRY_SCHEMA,
		model,
		version,
		parent,
		created_at: '2026-12-04T00:00:00.000Z',
		data_digest: 'a'.repeat(64),
		files: Object.entries(files).map(([path, bytes]) => ({
			path,
			sha256: sha(bytes),
			size: bytes.length
		})),
		evaluation: { 'onnx.q4.exact_match': 0.9 }
	};
}

describe.each(dialects)('the publish API (%s)', (dialect) => {
	let t: TestApp;
	let token: string;
	let base: string;
	const registry = () => t.config.registryDir;
	/** Every file of the registry with its bytes' digest: what "left as it was" compares. */
	const snapshot = () =>
		Object.fromEntries(
			(
				readdirSync(registry(), {
					recursive: true,
					withFileTypes: true
				}) as import('node:fs').Dirent[]
			)
				.filter((e) => e.isFile())
				.map((e) => {
					const path = join(e.parentPath, e.name);
					return [path, sha(readFileSync(path))];
				})
		);

	beforeAll(async () => {
		t = await createTestApp(dialect, { overrides: { service: serviceOptions() } });
		token = await trainerToken(t.config.database, 'gpu-box');
		await t.app.listen({ port: 0, host: '127.0.0.1' });
		base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
	});
	afterAll(() => t.close());

	const putBlob = (bytes: Buffer, name = sha(bytes), bearer = token) =>
		fetch(`${base}/api/registry/blobs/${name}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream' },
			body: new Uint8Array(bytes)
		});
	const putManifest = (manifest: VersionManifest, bearer = token) =>
		fetch(`${base}/api/registry/models/${manifest.model}/versions/${manifest.version}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
			body: JSON.stringify(manifest)
		});
	const errorOf = async (res: Response) => apiErrorSchema.parse(await res.json()).error;

	it('refuses a device token that is not a trainer, and a request with no token', async () => {
		const moderatorLike = await Contributor.register(t.app, 'Mo');
		const before = snapshot();
		const res = await putBlob(files['config.json'], undefined, moderatorLike.device.token);
		expect(res.status).toBe(403);
		expect((await errorOf(res)).message).toMatch(/needs a trainer token/);
		const none = await fetch(`${base}/api/registry/blobs/${sha(files['config.json'])}`, {
			method: 'PUT',
			headers: { 'content-type': 'application/octet-stream' },
			body: new Uint8Array(files['config.json'])
		});
		expect(none.status).toBe(401);
		expect((await putManifest(manifestOf(1, null), moderatorLike.device.token)).status).toBe(403);
		expect(snapshot()).toEqual(before);
	});

	it('refuses bytes that hash to another name, and stores nothing', async () => {
		const before = snapshot();
		const res = await putBlob(files['onnx/model.onnx'], sha(files['config.json']));
		expect(res.status).toBe(400);
		expect((await errorOf(res)).message).toMatch(
			new RegExp(
				`hashes to sha256 ${sha(files['onnx/model.onnx'])}, not ${sha(files['config.json'])}`
			)
		);
		expect(snapshot()).toEqual(before);
	});

	it('refuses an upload cut off before its declared length, and stores nothing', async () => {
		const before = snapshot();
		const bytes = files['onnx/model.onnx_data'];
		// The connection drops after half the body, as a trainer losing its network would.
		await new Promise<void>((resolve) => {
			const req = httpRequest(`${base}/api/registry/blobs/${sha(bytes)}`, {
				method: 'PUT',
				headers: {
					authorization: `Bearer ${token}`,
					'content-type': 'application/octet-stream',
					'content-length': bytes.length
				}
			});
			req.on('error', () => resolve());
			req.on('response', () => resolve());
			req.write(bytes.subarray(0, bytes.length / 2), () => setTimeout(() => req.destroy(), 100));
		});
		// The server notices when the socket closes; give it a moment to clean up.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(snapshot()).toEqual(before);
		expect(
			readdirSync(join(registry(), 'blobs', 'sha256')).filter((n) => n.startsWith('.tmp-'))
		).toEqual([]);
	});

	it('refuses a manifest whose blobs are missing, naming them', async () => {
		await putBlob(files['config.json']);
		const before = snapshot();
		const res = await putManifest(manifestOf(1, null));
		expect(res.status).toBe(400);
		const { message } = await errorOf(res);
		expect(message).toMatch(
			`onnx/model.onnx: blob ${sha(files['onnx/model.onnx'])} was not uploaded`
		);
		expect(message).not.toMatch('config.json');
		expect(snapshot()).toEqual(before);
		expect(existsSync(join(registry(), 'crowd', 'index.json'))).toBe(false);
	});

	it('refuses a manifest whose checkpoint blob is missing, though browsers never fetch it', async () => {
		const weights = Buffer.from('trained weights');
		const res = await putManifest({
			...manifestOf(1, null),
			checkpoint: [{ path: 'model.safetensors', sha256: sha(weights), size: weights.length }]
		});
		expect(res.status).toBe(400);
		expect((await errorOf(res)).message).toMatch(
			`checkpoint/model.safetensors: blob ${sha(weights)} was not uploaded`
		);
		expect(existsSync(join(registry(), 'crowd', 'index.json'))).toBe(false);
	});

	it('publishes once every blob is there; an interrupted publish resumes with the missing blobs only', async () => {
		// config.json went up in the previous step: the trainer asks which are missing and sends those.
		const missing: string[] = [];
		for (const [path, bytes] of Object.entries(files)) {
			const head = await fetch(`${base}/registry/blobs/sha256/${sha(bytes)}`, { method: 'HEAD' });
			if (head.status === 404) missing.push(path);
		}
		expect(missing).toEqual(['onnx/model.onnx', 'onnx/model.onnx_data']);
		for (const path of missing)
			expect((await putBlob(files[path as keyof typeof files])).status).toBe(201);
		// Sending one again is harmless.
		const again = await putBlob(files['config.json']);
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ created: false, size: files['config.json'].length });

		const res = await putManifest(manifestOf(1, null));
		expect(res.status).toBe(201);
		const index = JSON.parse(readFileSync(join(registry(), 'crowd', 'index.json'), 'utf8'));
		expect(index).toEqual({ model: 'crowd', latest: 1, versions: [1] });
		const served = await fetch(`${base}/registry/crowd/versions/1.json`);
		expect((await served.json()).files).toHaveLength(3);
	});

	it('refuses a duplicate version, a version that skips one, and a wrong parent', async () => {
		const before = snapshot();
		const duplicate = await putManifest(manifestOf(1, null));
		expect(duplicate.status).toBe(409);
		expect((await errorOf(duplicate)).message).toMatch('crowd version 1 is already published');
		const skipping = await putManifest(manifestOf(3, 1));
		expect(skipping.status).toBe(409);
		expect((await errorOf(skipping)).message).toMatch('publish version 2');
		const orphan = await putManifest(manifestOf(2, null));
		expect(orphan.status).toBe(409);
		expect((await errorOf(orphan)).message).toMatch('must be the latest version, 1');
		expect(snapshot()).toEqual(before);

		expect((await putManifest(manifestOf(2, 1))).status).toBe(201);
		const index = JSON.parse(readFileSync(join(registry(), 'crowd', 'index.json'), 'utf8'));
		expect(index.latest).toBe(2);
	});

	it('refuses a body that is not a manifest, or one for another path, by field', async () => {
		const before = snapshot();
		const bad = await putManifest({ ...manifestOf(3, 2), data_digest: 'nope' });
		expect(bad.status).toBe(400);
		expect((await errorOf(bad)).issues?.[0].path).toBe('body.data_digest');
		const elsewhere = await fetch(`${base}/api/registry/models/other/versions/3`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify(manifestOf(3, 2))
		});
		expect(elsewhere.status).toBe(400);
		expect((await errorOf(elsewhere)).message).toMatch('not other version 3');
		expect(snapshot()).toEqual(before);
	});

	it('lets a trainer token read the export, and nothing a moderator does', async () => {
		const exported = await fetch(`${base}/api/export?format=trees`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(exported.status).toBe(200);
		const moderate = await fetch(`${base}/api/moderation/flagged`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect([401, 403]).toContain(moderate.status);
	});
});

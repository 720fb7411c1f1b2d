import { describe, expect, it } from 'vitest';
import { RegistryClient } from '$lib/models/registry-client';
import { FakeServer } from './fakes';

const base = new URL('https://hearth.test/registry/');
const hex = 'ab'.repeat(32);
const manifest = {
	schema: 1,
	model: 'demo',
	version: 2,
	parent: 1,
	created_at: '2026-01-01T00:00:00Z',
	data_digest: hex,
	files: [{ path: 'config.json', sha256: hex, size: 10 }],
	evaluation: { 'sft.val_ppl': 3.2 }
};

function registry(index: unknown, versions: Record<number, unknown>) {
	const server = new FakeServer();
	server.serve(new URL('demo/index.json', base).href, index as object);
	for (const [n, body] of Object.entries(versions))
		server.serve(new URL(`demo/versions/${n}.json`, base).href, body as object);
	return { server, client: new RegistryClient(base, server.fetch) };
}

describe('RegistryClient', () => {
	it('reads the newest version and its manifest', async () => {
		const { client } = registry({ model: 'demo', latest: 2, versions: [1, 2] }, { 2: manifest });
		expect(await client.latest('demo')).toEqual({ version: 2, manifest });
	});

	it('names the field of a manifest that fails validation', async () => {
		const broken = { ...manifest, files: [{ path: 'config.json', sha256: 'xyz', size: -1 }] };
		const { client } = registry({ model: 'demo', latest: 2, versions: [2] }, { 2: broken });
		const error = await client.latest('demo').catch((e) => e);
		expect(error.kind).toBe('manifest');
		expect(error.message).toContain('the manifest of demo version 2 is invalid');
		expect(error.message).toContain('files[0].sha256: must be 64 lower-case hex digits');
		expect(error.message).toContain('files[0].size');
	});

	it('refuses a manifest that is not JSON, or describes another version', async () => {
		const server = new FakeServer();
		server.serve(new URL('demo/versions/1.json', base).href, '<html>oops</html>');
		server.serve(new URL('demo/versions/3.json', base).href, manifest);
		const client = new RegistryClient(base, server.fetch);
		await expect(client.manifest('demo', 1)).rejects.toThrow('is not valid JSON');
		await expect(client.manifest('demo', 3)).rejects.toThrow('describes demo version 2 instead');
	});

	it('says plainly when the registry has no such model or cannot be reached', async () => {
		const { server, client } = registry({}, {});
		await expect(client.latestVersion('other')).rejects.toThrow('does not have this file (404)');
		server.behaviour.set(new URL('demo/index.json', base).href, 'down');
		await expect(client.latestVersion('demo')).rejects.toThrow('Could not reach hearth.test');
	});
});

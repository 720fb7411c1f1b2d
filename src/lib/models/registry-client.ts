// Reads our model registry (DESIGN.md "Model registry"): `/registry/<model>/index.json` names the
// versions, `/registry/<model>/versions/<n>.json` is a version's manifest. Everything fetched is
// validated; a manifest that does not match the schema becomes an error naming the field, so a
// broken publish shows up as a sentence on the Models page rather than a crash mid-download.
import { z } from 'zod';
import { formatIssuePath } from '$lib/protocol/errors';
import { badStatus, fetchFailed, ModelError } from './errors';

// PROVISIONAL: mirrors the manifest described in the brief until the publisher's schema
// (src/lib/protocol/registry.ts) lands; then this block becomes an import.
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const versionManifest = z.object({
	schema: z.number().int(),
	model: z.string().min(1),
	version: z.number().int().positive(),
	parent: z.number().int().positive().nullable(),
	created_at: z.string(),
	data_digest: z.string(),
	files: z
		.array(
			z.object({
				path: z.string().min(1),
				sha256: sha256Hex,
				size: z.number().int().nonnegative()
			})
		)
		.min(1),
	evaluation: z.record(z.string(), z.unknown()).nullable()
});
const registryIndex = z.object({
	model: z.string().min(1),
	latest: z.number().int().positive(),
	versions: z.array(z.object({ version: z.number().int().positive() }).loose())
});
export type VersionManifest = z.infer<typeof versionManifest>;

export class RegistryClient {
	constructor(
		/** `…/registry/`, with the trailing slash. */
		readonly base: URL,
		private readonly fetchFn: typeof globalThis.fetch = globalThis.fetch.bind(globalThis)
	) {}

	async latestVersion(model: string): Promise<number> {
		const index = await this.#get(
			`${model}/index.json`,
			registryIndex,
			`the ${model} registry index`
		);
		return index.latest;
	}

	/** The newest version's manifest, checked to be the version and model the index named. */
	async latest(model: string): Promise<{ version: number; manifest: VersionManifest }> {
		const version = await this.latestVersion(model);
		return { version, manifest: await this.manifest(model, version) };
	}

	async manifest(model: string, version: number): Promise<VersionManifest> {
		const what = `the manifest of ${model} version ${version}`;
		const manifest = await this.#get(`${model}/versions/${version}.json`, versionManifest, what);
		if (manifest.model !== model || manifest.version !== version)
			throw new ModelError(
				'manifest',
				`${what} describes ${manifest.model} version ${manifest.version} instead; the registry is inconsistent.`
			);
		return manifest;
	}

	async #get<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
		const url = new URL(path, this.base).href;
		let response: Response;
		try {
			// Manifests change when a version is published: always ask the server (it answers 304).
			response = await this.fetchFn(url, { cache: 'no-cache' });
		} catch (error) {
			throw fetchFailed(url, error);
		}
		if (!response.ok) throw badStatus(url, response.status);
		let body: unknown;
		try {
			body = await response.json();
		} catch {
			throw new ModelError('manifest', `${what} is not valid JSON (${url}).`);
		}
		const result = schema.safeParse(body);
		if (result.success) return result.data;
		const problems = result.error.issues
			.slice(0, 3)
			.map(
				(issue) =>
					`${formatIssuePath('', issue.path).replace(/^\./, '') || '(root)'}: ${issue.message}`
			);
		throw new ModelError('manifest', `${what} is invalid — ${problems.join('; ')}. (${url})`);
	}
}

// Reads our model registry (docs/architecture.md, "Model registry"): `<model>/index.json` names the
// versions, `/registry/<model>/versions/<n>.json` is a version's manifest. Everything fetched is
// validated; a manifest that does not match the schema becomes an error naming the field, so a
// broken publish shows up as a sentence on the Models page rather than a crash mid-download.
import {
	parseRegistryIndex,
	parseVersionManifest,
	registryPaths,
	type VersionManifest
} from '$lib/protocol/registry';
import { badStatus, fetchFailed, ModelError } from './errors';

export class RegistryClient {
	constructor(
		/** `…/registry/`, with the trailing slash. */
		readonly base: URL,
		private readonly fetchFn: typeof globalThis.fetch = globalThis.fetch.bind(globalThis)
	) {}

	async latestVersion(model: string): Promise<number> {
		const index = await this.#get(
			registryPaths.index(model),
			parseRegistryIndex,
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
		const manifest = await this.#get(
			registryPaths.manifest(model, version),
			parseVersionManifest,
			what
		);
		if (manifest.model !== model || manifest.version !== version)
			throw new ModelError(
				'manifest',
				`${what} describes ${manifest.model} version ${manifest.version} instead; the registry is inconsistent.`
			);
		return manifest;
	}

	async #get<T>(
		path: string,
		parse: (value: unknown, source: string) => T,
		what: string
	): Promise<T> {
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
		try {
			return parse(body, url);
		} catch (error) {
			// The schema's message reads `<url>: <field>: <problem>; …`.
			throw new ModelError('manifest', `${what} is invalid: ${(error as Error).message}`, {
				cause: error
			});
		}
	}
}

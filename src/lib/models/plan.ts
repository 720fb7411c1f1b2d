// Which files to fetch for a model record, and from where. Registry models fetch the files of
// their variant from the version manifest, by content address, so a file shared by two versions
// (or two variants) is one URL and one cached copy; third-party ONNX models fetch the files their
// record lists from its base URL.
import {
	onnxVariantFiles,
	type ModelRecord,
	type OnnxModelRecord
} from '$lib/protocol/model-record';
import { registryPaths, type VersionManifest } from '$lib/protocol/registry';
import type { PlannedFile } from './download';

/** `registry:<name>` → `<name>`; null for a model served from its own URL or by web-llm. */
export function registryName(record: ModelRecord): string | null {
	if (record.runtime !== 'onnx') return null;
	return record.source.startsWith('registry:') ? record.source.slice('registry:'.length) : null;
}

export function blobUrl(registryBase: URL, sha256: string): string {
	return new URL(registryPaths.blob(sha256), registryBase).href;
}

export function planFromManifest(
	record: OnnxModelRecord,
	manifest: Pick<VersionManifest, 'files'>,
	registryBase: URL
): PlannedFile[] {
	const needed = new Set(
		onnxVariantFiles(
			record.model_file,
			manifest.files.map((f) => f.path)
		)
	);
	if (!needed.has(record.model_file))
		throw new Error(
			`the registry's manifest for ${record.name} has no ${record.model_file}; the model record and the registry disagree`
		);
	return manifest.files
		.filter((f) => needed.has(f.path))
		.map((f) => ({
			path: f.path,
			url: blobUrl(registryBase, f.sha256),
			size: f.size,
			sha256: f.sha256
		}));
}

export function planFromRecord(record: OnnxModelRecord): PlannedFile[] {
	const base = record.source.endsWith('/') ? record.source : `${record.source}/`;
	return (record.files ?? []).map((f) => ({
		path: f.path,
		url: new URL(f.path, base).href,
		size: f.size,
		sha256: null
	}));
}

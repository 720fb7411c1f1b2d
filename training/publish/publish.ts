// Publishes a model directory as the next version of a model in an on-disk registry:
// blobs first (content-addressed, so identical files are stored once and unchanged layers cost
// nothing), then the version manifest, then the index. Each write is atomic and each step only
// adds, so an interrupted publish leaves at most unreferenced blobs behind — never a manifest
// pointing at a missing or partial blob.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
	parseVersionManifest,
	REGISTRY_SCHEMA,
	registryModelName,
	registryPaths,
	type ModelSkill,
	type RegistryFile,
	type VersionManifest
} from '../../src/lib/protocol/registry';
import { copyFileVerified, listFiles, sha256OfFile } from '../../registry-store/files';
import { commitVersion, publishedVersions, VersionTaken } from '../../registry-store/versions';

/** Files every published model must have: the Hugging Face ONNX layout the browser loads. */
export const REQUIRED_FILES = [
	'config.json',
	'generation_config.json',
	'tokenizer.json',
	'tokenizer_config.json',
	'onnx/model.onnx',
	'onnx/model_q4.onnx'
];

export interface PublishResult {
	manifest: VersionManifest;
	manifestPath: string;
	newBlobs: number;
	reusedBlobs: number;
	bytesAdded: number;
}

export async function publishVersion(options: {
	registry: string;
	model: string;
	modelDir: string;
	evaluation: Record<string, unknown>;
	dataDigest: string;
	/** What the model was trained to do (see skills.ts); the app's starter prompts. */
	skills?: ModelSkill[] | null;
	now?: Date;
}): Promise<PublishResult> {
	const name = registryModelName.safeParse(options.model);
	if (!name.success)
		throw new Error(`model name ${JSON.stringify(options.model)} ${name.error.issues[0].message}`);
	const paths = await listFiles(options.modelDir);
	for (const required of REQUIRED_FILES) {
		if (!paths.includes(required)) throw new Error(`${options.modelDir}: missing ${required}`);
	}

	const blobDir = join(options.registry, 'blobs', 'sha256');
	await mkdir(blobDir, { recursive: true });
	const files: RegistryFile[] = [];
	let newBlobs = 0;
	let reusedBlobs = 0;
	let bytesAdded = 0;
	const stored = new Set<string>();
	for (const path of paths) {
		const source = join(options.modelDir, path);
		const sha256 = await sha256OfFile(source);
		const { size } = await stat(source);
		files.push({ path, sha256, size });
		if (stored.has(sha256)) continue; // the same bytes twice in one model
		stored.add(sha256);
		const blob = join(options.registry, registryPaths.blob(sha256));
		if (await exists(blob)) {
			reusedBlobs++;
			continue;
		}
		await copyFileVerified(source, blob, sha256);
		newBlobs++;
		bytesAdded += size;
	}

	const modelDir = join(options.registry, options.model);
	await mkdir(join(modelDir, 'versions'), { recursive: true });
	const existing = await publishedVersions(modelDir);
	const parent = existing.length ? existing[existing.length - 1] : null;
	const version = (parent ?? 0) + 1;
	const manifest = parseVersionManifest(
		{
			schema: REGISTRY_SCHEMA,
			model: options.model,
			version,
			parent,
			created_at: (options.now ?? new Date()).toISOString(),
			data_digest: options.dataDigest,
			files,
			evaluation: options.evaluation,
			...(options.skills ? { skills: options.skills } : {})
		},
		`manifest of ${options.model} version ${version}`
	);
	let manifestPath: string;
	try {
		manifestPath = await commitVersion(options.registry, manifest);
	} catch (error) {
		if (!(error instanceof VersionTaken)) throw error;
		throw new Error(`${error.message}; publish again`, { cause: error });
	}
	return { manifest, manifestPath, newBlobs, reusedBlobs, bytesAdded };
}

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
		throw error;
	}
}

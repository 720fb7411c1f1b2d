// Publishes a model directory as the next version of a model: into an on-disk registry here, or
// to a Hearth server through its publish API (http-publish.ts). Either way blobs go first
// (content-addressed, so identical files are stored once and unchanged layers cost nothing),
// then the version manifest, then the index, so an interrupted publish leaves at most
// unreferenced blobs behind — never a manifest pointing at a missing or partial blob.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
	parseVersionManifest,
	REGISTRY_SCHEMA,
	registryModelName,
	registryPaths,
	type ModelSkill,
	type TrainingData,
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

/** The files of a trainer checkpoint, which the next version can start from. */
export const CHECKPOINT_FILES = ['config.json', 'model.safetensors'];

/** Where a version's files are: the model directory, and the checkpoint it was built from. */
export interface VersionSources {
	modelDir: string;
	/** Published beside the model so that training can continue from it; none leaves it out. */
	checkpointDir?: string | null;
}

/** What a version says about itself besides its files. */
export interface VersionFacts {
	model: string;
	evaluation: Record<string, unknown>;
	/** sha-256 over the training data files (the datasets stage's `data_digest`). */
	dataDigest: string;
	/** What the model was trained to do (see skills.ts); the app's starter prompts. */
	skills?: ModelSkill[] | null;
	/** The community snapshot it learnt from (training-data.ts); none for seed-only runs. */
	trainingData?: TrainingData | null;
	now?: Date;
}

/** A file of the model directory as the manifest lists it, with where its bytes are. */
export interface ModelFile extends RegistryFile {
	source: string;
}

/**
 * Every file of `modelDir`, hashed one at a time as they are asked for (so a publisher stores
 * each before reading the next); refuses a directory the browser could not load.
 */
export async function* modelFiles(model: string, modelDir: string): AsyncGenerator<ModelFile> {
	const name = registryModelName.safeParse(model);
	if (!name.success)
		throw new Error(`model name ${JSON.stringify(model)} ${name.error.issues[0].message}`);
	const paths = await listFiles(modelDir);
	for (const required of REQUIRED_FILES) {
		if (!paths.includes(required)) throw new Error(`${modelDir}: missing ${required}`);
	}
	for (const path of paths) yield await describe(modelDir, path);
}

async function* checkpointFiles(dir: string): AsyncGenerator<ModelFile> {
	const paths = await listFiles(dir);
	for (const required of CHECKPOINT_FILES) {
		if (!paths.includes(required)) throw new Error(`${dir}: missing ${required}`);
	}
	for (const path of CHECKPOINT_FILES) yield await describe(dir, path);
}

async function describe(dir: string, path: string): Promise<ModelFile> {
	const source = join(dir, path);
	return { path, source, sha256: await sha256OfFile(source), size: (await stat(source)).size };
}

/** The manifest of version `latest + 1`, whose parent is `latest`. */
export function nextManifest(
	facts: VersionFacts,
	{ files, checkpoint }: StoredFiles,
	latest: number | null
): VersionManifest {
	const listed = (list: readonly ModelFile[]) =>
		list.map(({ path, sha256, size }) => ({ path, sha256, size }));
	const version = (latest ?? 0) + 1;
	return parseVersionManifest(
		{
			schema: REGISTRY_SCHEMA,
			model: facts.model,
			version,
			parent: latest,
			created_at: (facts.now ?? new Date()).toISOString(),
			data_digest: facts.dataDigest,
			files: listed(files),
			...(checkpoint.length ? { checkpoint: listed(checkpoint) } : {}),
			evaluation: facts.evaluation,
			...(facts.skills ? { skills: facts.skills } : {}),
			...(facts.trainingData ? { training_data: facts.trainingData } : {})
		},
		`manifest of ${facts.model} version ${version}`
	);
}

export interface PublishResult {
	manifest: VersionManifest;
	/** Where the manifest now is: a file, or a URL. */
	manifestPath: string;
	newBlobs: number;
	reusedBlobs: number;
	bytesAdded: number;
}

export interface StoredFiles {
	files: ModelFile[];
	checkpoint: ModelFile[];
}

/**
 * Hands each file of the model and of its checkpoint to `store` once per distinct blob (the same
 * bytes twice are stored once), and returns them all for the manifest.
 */
export async function storeEachBlob(
	model: string,
	sources: VersionSources,
	store: (file: ModelFile) => Promise<void>
): Promise<StoredFiles> {
	const stored: StoredFiles = { files: [], checkpoint: [] };
	const seen = new Set<string>();
	const each = async (list: ModelFile[], files: AsyncGenerator<ModelFile>) => {
		for await (const file of files) {
			list.push(file);
			if (seen.has(file.sha256)) continue;
			seen.add(file.sha256);
			await store(file);
		}
	};
	await each(stored.files, modelFiles(model, sources.modelDir));
	if (sources.checkpointDir) await each(stored.checkpoint, checkpointFiles(sources.checkpointDir));
	return stored;
}

export async function publishVersion(
	options: VersionFacts & VersionSources & { registry: string }
): Promise<PublishResult> {
	await mkdir(join(options.registry, 'blobs', 'sha256'), { recursive: true });
	let newBlobs = 0;
	let reusedBlobs = 0;
	let bytesAdded = 0;
	const store = async ({ source, sha256, size }: ModelFile) => {
		const blob = join(options.registry, registryPaths.blob(sha256));
		if (await exists(blob)) {
			reusedBlobs++;
			return;
		}
		await copyFileVerified(source, blob, sha256);
		newBlobs++;
		bytesAdded += size;
	};
	const files = await storeEachBlob(options.model, options, store);

	const existing = await publishedVersions(join(options.registry, options.model));
	const manifest = nextManifest(options, files, existing.at(-1) ?? null);
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

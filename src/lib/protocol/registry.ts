// The model registry's shapes on disk and wire (docs/architecture.md, "Model registry"), shared by
// the publisher (training/publish), the server that serves `/registry/` and the app that
// downloads from it. Browser-safe: zod only, no I/O.
//
//   <registry>/blobs/sha256/<hex>            every file's bytes, named by their SHA-256
//   <registry>/<model>/versions/<n>.json     one manifest per published version
//   <registry>/<model>/index.json            the versions there are and the latest
import { z } from 'zod';
import { zodProblems } from '$lib/shared/zod-issues';

export const REGISTRY_SCHEMA = 1;

/** The name in a model record's `registry:<name>` source. */
export const registryModelName = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

/** A relative POSIX path inside the model layout; never escapes it. */
export const layoutPath = z
	.string()
	.min(1)
	.refine(
		(path) =>
			!path.startsWith('/') &&
			!path.includes('\\') &&
			path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
		'must be a relative path without empty, `.` or `..` parts'
	);

export const registryFile = z.object({
	path: layoutPath,
	sha256: sha256Hex,
	size: z.number().int().nonnegative()
});
export type RegistryFile = z.infer<typeof registryFile>;

const versionNumber = z.number().int().positive();

/** A kind of question a model was trained on, for the app to show what the model is for. */
export const modelSkill = z.object({
	/** The seed skill's name ("addition", "unit-conversion"). */
	name: z.string().min(1).max(64),
	/** A question of this kind from the model's own training data: a starter prompt. */
	example: z.string().min(1).max(500),
	/** How many of its training questions of this kind the model answered exactly (0–1). */
	exact_match: z.number().min(0).max(1).nullable()
});
export type ModelSkill = z.infer<typeof modelSkill>;

const count = z.number().int().nonnegative();

/** The community snapshot a version learnt from (beside the seed data), as the pipeline counted it. */
export const trainingData = z.object({
	/** sha-256 of the export snapshot (plain JSON lines), so the exact trees can be traced. */
	snapshot_sha256: sha256Hex,
	/** Trees in the snapshot per source (`community`, or an imported file's origin). */
	trees: z.record(z.string(), count),
	/** Their messages per source, written by people or by a model. */
	messages: z.record(z.string(), z.object({ human: count, synthetic: count })),
	/** Trees trained on and held out, community and replayed seed. */
	used: z.record(z.string(), z.object({ train: count, val: count }))
});
export type TrainingData = z.infer<typeof trainingData>;

/**
 * One figure of the release gate's comparison (training/gate/), kept in a manifest's evaluation
 * as `gate: { parent: {model, version}, passed, checks }`, and read by the app's version notes.
 */
export interface GateCheck {
	figure: string;
	/**
	 * The parent's figure on the same held-out sets; where it cannot be (see `note`), what is
	 * honest to show beside the child's, or null when there is nothing.
	 */
	parent: number | null;
	child: number;
	/** What the child must reach, e.g. `≥ 0.820` or `≤ 3.150`. */
	bound: string;
	passed: boolean;
	/** What the parent's column is when it is not the parent measured on this run's held-out sets. */
	note?: string;
}

export const versionManifest = z
	.object({
		schema: z.literal(REGISTRY_SCHEMA),
		model: registryModelName,
		version: versionNumber,
		/** The version this one replaces; null for the first. */
		parent: versionNumber.nullable(),
		created_at: z.iso.datetime(),
		/** sha-256 over the training data files (the datasets stage's `data_digest`). */
		data_digest: sha256Hex,
		files: z.array(registryFile).min(1),
		/** The pipeline's report: named figures plus the greedy replies to the eval prompts. */
		evaluation: z.record(z.string(), z.unknown()),
		/** What the model was trained to do, one example question per skill; older manifests lack it. */
		skills: z.array(modelSkill).optional(),
		/** Present when the version learnt from community trees. */
		training_data: trainingData.optional(),
		/** The trained weights (`model.safetensors`, `config.json`) that the next version can start
		 * from (`--from <model>@<version>`); browsers never download them. */
		checkpoint: z.array(registryFile).min(1).optional()
	})
	.superRefine((manifest, ctx) => {
		if (manifest.parent !== null && manifest.parent >= manifest.version) {
			ctx.addIssue({
				code: 'custom',
				path: ['parent'],
				message: `must be an earlier version than ${manifest.version}`
			});
		}
		const seen = new Set<string>();
		manifest.files.forEach((file, i) => {
			if (seen.has(file.path)) {
				ctx.addIssue({
					code: 'custom',
					path: ['files', i, 'path'],
					message: `${file.path} is listed twice`
				});
			}
			seen.add(file.path);
		});
	});
export type VersionManifest = z.infer<typeof versionManifest>;

/** Every blob a version needs stored: the model's files and its checkpoint's (as `checkpoint/…`). */
export function manifestBlobs(manifest: VersionManifest): RegistryFile[] {
	const checkpoint = (manifest.checkpoint ?? []).map((file) => ({
		...file,
		path: `checkpoint/${file.path}`
	}));
	return [...manifest.files, ...checkpoint];
}

export const registryIndex = z
	.object({
		model: registryModelName,
		latest: versionNumber,
		versions: z.array(versionNumber).min(1)
	})
	.superRefine((index, ctx) => {
		if (!index.versions.includes(index.latest)) {
			ctx.addIssue({ code: 'custom', path: ['latest'], message: 'must be one of versions' });
		}
	});
export type RegistryIndex = z.infer<typeof registryIndex>;

/** Registry-relative locations, joined with `/` (URLs under `/registry/` and disk paths alike). */
export const registryPaths = {
	blob: (sha256: string) => `blobs/sha256/${sha256}`,
	manifest: (model: string, version: number) => `${model}/versions/${version}.json`,
	index: (model: string) => `${model}/index.json`
};

/** Validates a parsed manifest; the error names `source` and the offending field. */
export function parseVersionManifest(value: unknown, source: string): VersionManifest {
	return parseOrThrow(versionManifest, value, source);
}

export function parseRegistryIndex(value: unknown, source: string): RegistryIndex {
	return parseOrThrow(registryIndex, value, source);
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, source: string): T {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	throw new Error(`${source}: ${zodProblems(result.error).join('; ')}`);
}

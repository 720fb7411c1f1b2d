// A model record says what a model is, where its files live, what it needs from the device and
// how to run it. One JSON file per model in model-configs/; adding a model is adding a file.
// Field names follow web-llm's own model records (`vram_required_MB`, `required_features`, …) so
// that a record maps onto its `appConfig` without renaming.
import { z } from 'zod';
import { zodProblems } from '$lib/shared/zod-issues';

const absoluteHttpUrl = z
	.string()
	.refine(
		(value) => /^https?:\/\//.test(value) && URL.canParse(value),
		'must be an absolute http(s) URL'
	);

/** `registry:<name>`: a model our own server publishes (docs/architecture.md, "Model registry"). */
const registrySource = z
	.string()
	.regex(
		/^registry:[a-z0-9][a-z0-9-]*$/,
		'must be `registry:<name>` (lower-case letters, digits, dashes)'
	);

/** Features a model needs from the WebGPU adapter; web-llm's q4f16 models need `shader-f16`. */
export const gpuFeature = z.enum(['shader-f16']);
export type GpuFeature = z.infer<typeof gpuFeature>;

const commonFields = {
	id: z
		.string()
		.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, dots, dashes or underscores'),
	name: z.string().min(1),
	description: z.string().min(1),
	quantization: z.enum(['q4f16_1', 'q4f32_1', 'q4', 'fp32']),
	/** Parameter count of the network. */
	parameters: z.number().int().positive(),
	/** Megabytes the browser downloads, for display; the file list or registry manifest has the exact sizes. */
	download_size_MB: z.number().positive(),
	/** Memory the weights, KV cache and activations need on the device running the model. */
	vram_required_MB: z.number().positive(),
	required_features: z.array(gpuFeature).default([]),
	/** Largest single GPU buffer the model binds (web-llm's field); checked against the adapter's limits. */
	buffer_size_required_bytes: z.number().int().positive().optional(),
	/** Tokens of prompt plus reply the model is run with. */
	context_window: z.number().int().positive(),
	license: z.string().min(1),
	/** Smaller, slower, weaker devices: suitable for phones. */
	low_resource: z.boolean().default(false)
};

const webllmRecord = z.object({
	...commonFields,
	runtime: z.literal('webllm'),
	/** The MLC weights folder (a Hugging Face repo URL); web-llm ≥ 0.2.80 needs it absolute. */
	source: absoluteHttpUrl,
	/** The compiled model library (WebGPU kernels) matching this web-llm version. */
	model_lib: absoluteHttpUrl
});

const onnxFile = z.object({
	path: z.string().min(1),
	size: z.number().int().nonnegative()
});

const onnxRecord = z
	.object({
		...commonFields,
		runtime: z.literal('onnx'),
		source: z.union([absoluteHttpUrl, registrySource]),
		/** The graph the browser loads, inside the Hugging Face ONNX layout (`onnx/model_q4.onnx`). */
		model_file: z.string().regex(/^onnx\/[^/]+\.onnx$/, 'must be `onnx/<name>.onnx`'),
		/** For URL sources, every file to fetch (a registry source lists its files in its manifest). */
		files: z.array(onnxFile).optional(),
		/** For registry sources: the manifest this record was checked against (`sha256:<hex>`); absent = latest version. */
		manifest_digest: z
			.string()
			.regex(/^sha256:[0-9a-f]{64}$/, 'must be `sha256:` and 64 hex digits')
			.optional()
	})
	.superRefine((record, ctx) => {
		const fromUrl = !record.source.startsWith('registry:');
		if (fromUrl && !record.files) {
			ctx.addIssue({
				code: 'custom',
				path: ['files'],
				message: 'a model served from a URL must list its files'
			});
		}
		if (record.files && !record.files.some((file) => file.path === record.model_file)) {
			ctx.addIssue({
				code: 'custom',
				path: ['files'],
				message: `must include model_file ${record.model_file}`
			});
		}
		if (!fromUrl && record.files) {
			ctx.addIssue({
				code: 'custom',
				path: ['files'],
				message: 'a registry model lists its files in its manifest, not in the record'
			});
		}
	});

export const modelRecord = z
	.discriminatedUnion('runtime', [webllmRecord, onnxRecord])
	.superRefine((record, ctx) => {
		// Half-precision weights need half-precision shaders; say so, or model choice would offer them to GPUs without.
		if (record.quantization === 'q4f16_1' && !record.required_features.includes('shader-f16')) {
			ctx.addIssue({
				code: 'custom',
				path: ['required_features'],
				message: 'a q4f16_1 model must require "shader-f16"'
			});
		}
	});
export type ModelRecord = z.output<typeof modelRecord>;
export type WebllmModelRecord = Extract<ModelRecord, { runtime: 'webllm' }>;
export type OnnxModelRecord = Extract<ModelRecord, { runtime: 'onnx' }>;

/** Files of the Hugging Face ONNX layout that every ONNX model needs besides its graph and weights. */
export const onnxSupportFiles = [
	'config.json',
	'generation_config.json',
	'tokenizer.json',
	'tokenizer_config.json'
] as const;

export class ModelRecordError extends Error {
	constructor(
		readonly file: string,
		readonly problems: string[]
	) {
		super(`${file}: ${problems.join('; ')}`);
		this.name = 'ModelRecordError';
	}
}

/**
 * Validates one record. Errors name the file and the field: `smollm.json: model_lib: must be an
 * absolute http(s) URL`.
 */
export function parseModelRecord(value: unknown, file: string): ModelRecord {
	const result = modelRecord.safeParse(value);
	if (result.success) return result.data;
	throw new ModelRecordError(file, zodProblems(result.error));
}

/**
 * Validates a whole folder's worth of records (file name → parsed JSON). Every problem in every
 * file is reported, and a bad file never hides the good ones: the app lists what it can and
 * shows the rest as errors. A record's id is its file name, which keeps ids unique.
 */
export function parseModelRecords(files: Record<string, unknown>): {
	records: ModelRecord[];
	problems: string[];
} {
	const records: ModelRecord[] = [];
	const problems: string[] = [];
	for (const [file, value] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
		const name = file.split('/').pop() ?? file;
		try {
			const record = parseModelRecord(value, name);
			if (name === `${record.id}.json`) records.push(record);
			else
				problems.push(`${name}: id: "${record.id}" must match the file name (${record.id}.json)`);
		} catch (error) {
			if (!(error instanceof ModelRecordError)) throw error;
			problems.push(error.message);
		}
	}
	return { records, problems };
}

/**
 * The files of an ONNX model layout that running `modelFile` needs, out of all the layout's
 * files: the support files, the graph, and its external data. External data files are named
 * after their graph (`model_q4.onnx.layer.0.data` from our builder, `model_q4.onnx_data` from
 * the Hugging Face exporters), so the graph's name picks them out and the fp32 weights of a
 * model are never fetched to run its q4 graph.
 */
export function onnxVariantFiles(modelFile: string, layoutPaths: readonly string[]): string[] {
	return layoutPaths.filter(
		(path) =>
			(onnxSupportFiles as readonly string[]).includes(path) ||
			path === modelFile ||
			path.startsWith(`${modelFile}.`) ||
			path.startsWith(`${modelFile}_`)
	);
}

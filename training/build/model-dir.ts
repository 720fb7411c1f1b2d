// Builds one model directory in the Hugging Face ONNX layout from a checkpoint and a tokenizer:
//   config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
//   onnx/model.onnx (+ model.onnx.{embed,rope,layer.N,head}.data)          float32
//   onnx/model_q4.onnx (+ model_q4.onnx.{…}.data)                          int4 MatMulNBits
// Everything is written into a temporary sibling directory that replaces the target only when
// complete, so a failed build never leaves a half-written model behind.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { loadCheckpoint, readCheckpointConfig, type DecoderWeights } from './checkpoint';
import { buildDecoderGraph, type Variant } from './decoder-graph';

export const ONNX_FILES: Record<Variant, string> = { fp32: 'model.onnx', q4: 'model_q4.onnx' };
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];
// Tokens that end a turn in the chat templates we ship; generation stops at any of them.
const STOP_TOKENS = ['<|im_end|>', '<|endoftext|>'];

export interface BuiltFile {
	path: string;
	size: number;
}

export interface BuildResult {
	parameters: number;
	files: BuiltFile[];
}

export async function buildModelDir(options: {
	checkpoint: string;
	tokenizer: string;
	out: string;
	variants?: Variant[];
}): Promise<BuildResult> {
	const variants = options.variants ?? (['fp32', 'q4'] as Variant[]);
	const weights = await loadCheckpoint(options.checkpoint);
	const checkpointConfig = await readCheckpointConfig(options.checkpoint);
	const tokenizerFiles = await readTokenizer(options.tokenizer, weights.config.vocabSize);

	const temporary = join(
		dirname(options.out),
		`.${basename(options.out)}.tmp-${process.pid}-${Date.now()}`
	);
	const files: BuiltFile[] = [];
	const write = async (path: string, bytes: Uint8Array | string) => {
		await writeFile(join(temporary, path), bytes);
		files.push({
			path,
			size: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength
		});
	};
	try {
		await mkdir(join(temporary, 'onnx'), { recursive: true });
		const externalData: Record<string, string[]> = {};
		for (const variant of variants) {
			const fileName = ONNX_FILES[variant];
			const { model, externalFiles } = buildDecoderGraph(weights, variant, fileName);
			await write(`onnx/${fileName}`, model);
			for (const [name, bytes] of externalFiles) await write(`onnx/${name}`, bytes);
			externalData[fileName] = [...externalFiles.keys()];
		}
		const config = {
			...checkpointConfig,
			// Which external data files each graph reads, for runtimes that are handed files
			// rather than a directory (onnxruntime-web's `externalData` option).
			onnx_external_data: externalData
		};
		await write('config.json', json(config));
		await write('generation_config.json', json(generationConfig(weights, tokenizerFiles.added)));
		for (const [name, text] of tokenizerFiles.texts) await write(name, text);
		await replaceDirectory(temporary, options.out);
	} catch (error) {
		await rm(temporary, { recursive: true, force: true });
		throw error;
	}
	return { parameters: countParameters(weights), files };
}

async function readTokenizer(directory: string, vocabSize: number) {
	const texts = new Map<string, string>();
	for (const name of TOKENIZER_FILES) {
		const path = join(directory, name);
		let text: string;
		try {
			text = await readFile(path, 'utf8');
			JSON.parse(text);
		} catch (error) {
			const problem =
				(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
			throw new Error(`${path}: ${problem}`, { cause: error });
		}
		texts.set(name, text);
	}
	const path = join(directory, 'tokenizer.json');
	const spec = JSON.parse(texts.get('tokenizer.json')!) as {
		model?: { vocab?: Record<string, number> };
		added_tokens?: { id: number; content: string }[];
	};
	const ids = [
		...Object.values(spec.model?.vocab ?? {}),
		...(spec.added_tokens ?? []).map((t) => t.id)
	];
	const largest = Math.max(-1, ...ids);
	if (largest >= vocabSize) {
		throw new Error(
			`${path}: token id ${largest} does not fit the model's vocab_size ${vocabSize}`
		);
	}
	const added = new Map((spec.added_tokens ?? []).map((t) => [t.content, t.id]));
	return { texts, added };
}

function generationConfig(weights: DecoderWeights, added: Map<string, number>) {
	const { bosTokenId, eosTokenId, padTokenId } = weights.config;
	const eos = [eosTokenId ?? []].flat();
	for (const token of STOP_TOKENS) {
		const id = added.get(token);
		if (id !== undefined && !eos.includes(id)) eos.push(id);
	}
	return {
		bos_token_id: bosTokenId,
		eos_token_id: eos,
		pad_token_id: padTokenId,
		do_sample: false
	};
}

function countParameters(weights: DecoderWeights): number {
	const tensors = [weights.embed, weights.norm, ...(weights.lmHead ? [weights.lmHead] : [])];
	for (const layer of weights.layers) {
		const { qkvBias, ...rest } = layer;
		tensors.push(...Object.values(rest), ...(qkvBias ? Object.values(qkvBias) : []));
	}
	return tensors.reduce((sum, t) => sum + t.data.length, 0);
}

/** Swaps `from` into place at `to`; an existing `to` is removed only after the swap. */
async function replaceDirectory(from: string, to: string): Promise<void> {
	const previous = join(dirname(to), `.${basename(to)}.old-${process.pid}-${Date.now()}`);
	let hadPrevious = true;
	try {
		await rename(to, previous);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		hadPrevious = false;
	}
	await rename(from, to);
	if (hadPrevious) await rm(previous, { recursive: true, force: true });
}

function json(value: unknown): string {
	return JSON.stringify(value, null, 2) + '\n';
}

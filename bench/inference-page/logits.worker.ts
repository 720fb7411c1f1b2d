// Runs the inference worker's own ONNX decoder and runtime loader, returning raw logits, so a
// test can compare the browser's numbers with onnxruntime-node's.
import { expose } from 'comlink';
import type { ModelFiles, OnnxDevice } from '$lib/protocol/inference';
import { onnxVariantFiles } from '$lib/protocol/model-record';
import { OnnxDecoder } from '$workers/backends/onnx-decoder';
import { loadOrt } from '$workers/backends/onnx-runtime';
import { ModelFileSet } from '$workers/model-files';

const api = {
	/** Logits after each prefix of `ids`, fed one token at a time through the KV cache. */
	async logits(
		files: ModelFiles,
		modelFile: string,
		ids: number[],
		device: OnnxDevice
	): Promise<number[][]> {
		const set = new ModelFileSet(files);
		const config = (await set.json('config.json')) as Record<string, number>;
		const { ort } = await loadOrt(device, 1);
		const directory = modelFile.slice(0, modelFile.lastIndexOf('/') + 1);
		const externalData = onnxVariantFiles(modelFile, set.paths())
			.filter((path) => path.startsWith(directory) && path !== modelFile)
			.map((path) => ({ path: path.slice(directory.length), data: set.source(path) }));
		const decoder = await OnnxDecoder.create(
			ort,
			device,
			await set.bytes(modelFile),
			modelFile,
			externalData,
			{
				layers: config.num_hidden_layers,
				kvHeads: config.num_key_value_heads,
				headDim: config.hidden_size / config.num_attention_heads,
				vocabSize: config.vocab_size
			}
		);
		const rows: number[][] = [];
		for (const id of ids) rows.push(Array.from((await decoder.forward([id]))!));
		await decoder.release();
		return rows;
	}
};

export type LogitsWorkerApi = typeof api;
expose(api);

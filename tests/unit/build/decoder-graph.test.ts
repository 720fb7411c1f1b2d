import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	ModelProtoSchema,
	TensorProto_DataLocation,
	TensorProto_DataType,
	type ModelProto
} from 'onnx-buf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, type DecoderWeights } from '../../../training/build/checkpoint';
import { buildDecoderGraph } from '../../../training/build/decoder-graph';
import { writeRandomCheckpoint } from '../../../training/build/random-checkpoint';

// The operators the graph may use: each was run by onnxruntime-web 1.30 on WebGPU (both the
// JSEP and the native WebGPU execution provider, in Chromium's software adapter) and on WASM.
// A new operator has to be checked there before it joins this list.
const BROWSER_CHECKED_OPS = new Set([
	'Add',
	'And',
	'Cast',
	'Concat',
	'Div',
	'Expand',
	'Gather',
	'Gemm',
	'Identity',
	'LessOrEqual',
	'MatMul',
	'MatMulNBits',
	'Mul',
	'Neg',
	'Range',
	'ReduceMean',
	'Reshape',
	'Shape',
	'Sigmoid',
	'Slice',
	'Softmax',
	'Sqrt',
	'Sub',
	'Transpose',
	'Unsqueeze',
	'Where'
]);

const CONFIG = {
	vocab_size: 259,
	hidden_size: 64,
	intermediate_size: 96,
	num_hidden_layers: 2,
	num_attention_heads: 4,
	num_key_value_heads: 2,
	max_position_embeddings: 64,
	eos_token_id: 258
};

let dir: string;
let weights: DecoderWeights;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'hearth-graph-'));
	await writeRandomCheckpoint(dir, CONFIG, 7);
	weights = await loadCheckpoint(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function decode(bytes: Uint8Array): ModelProto {
	return fromBinary(ModelProtoSchema, bytes);
}

describe.each(['fp32', 'q4'] as const)('the %s decoder graph', (variant) => {
	const fileName = variant === 'fp32' ? 'model.onnx' : 'model_q4.onnx';

	it('survives a protobuf round trip byte for byte', () => {
		const { model } = buildDecoderGraph(weights, variant, fileName);
		expect(Buffer.from(toBinary(ModelProtoSchema, decode(model))).equals(Buffer.from(model))).toBe(
			true
		);
	});

	it('has the Hugging Face decoder inputs and outputs with their shapes', () => {
		const graph = decode(buildDecoderGraph(weights, variant, fileName).model).graph!;
		const describeValue = (v: (typeof graph.input)[number]) => {
			const tensor = v.type!.value.value as {
				elemType: number;
				shape: { dim: { value: { value: unknown } }[] };
			};
			return `${v.name}:${TensorProto_DataType[tensor.elemType]}[${tensor.shape.dim.map((d) => String(d.value.value)).join(',')}]`;
		};
		expect(graph.input.map(describeValue)).toEqual([
			'input_ids:INT64[batch_size,sequence_length]',
			'attention_mask:INT64[batch_size,total_sequence_length]',
			'position_ids:INT64[batch_size,sequence_length]',
			'past_key_values.0.key:FLOAT[batch_size,2,past_sequence_length,16]',
			'past_key_values.0.value:FLOAT[batch_size,2,past_sequence_length,16]',
			'past_key_values.1.key:FLOAT[batch_size,2,past_sequence_length,16]',
			'past_key_values.1.value:FLOAT[batch_size,2,past_sequence_length,16]'
		]);
		expect(graph.output.map(describeValue)).toEqual([
			'logits:FLOAT[batch_size,sequence_length,259]',
			'present.0.key:FLOAT[batch_size,2,total_sequence_length,16]',
			'present.0.value:FLOAT[batch_size,2,total_sequence_length,16]',
			'present.1.key:FLOAT[batch_size,2,total_sequence_length,16]',
			'present.1.value:FLOAT[batch_size,2,total_sequence_length,16]'
		]);
	});

	it('uses only operators checked in the browser, MatMulNBits exactly in the int4 graph', () => {
		const model = decode(buildDecoderGraph(weights, variant, fileName).model);
		const ops = new Set(model.graph!.node.map((node) => node.opType));
		expect([...ops].filter((op) => !BROWSER_CHECKED_OPS.has(op))).toEqual([]);
		// 7 linears per layer; the tied head reads the float embedding through Gemm.
		const nbits = model.graph!.node.filter((node) => node.opType === 'MatMulNBits');
		expect(nbits.length).toBe(variant === 'q4' ? 14 : 0);
		expect(nbits.every((node) => node.domain === 'com.microsoft')).toBe(true);
		expect(model.opsetImport.map((o) => `${o.domain}:${o.version}`)).toEqual(
			variant === 'q4' ? [':17', 'com.microsoft:1'] : [':17']
		);
	});

	it('keeps every weight in external data, one file per layer, aligned and in bounds', () => {
		const { model, externalFiles } = buildDecoderGraph(weights, variant, fileName);
		expect([...externalFiles.keys()]).toEqual(
			['embed', 'rope', 'layer.0', 'layer.1', 'head'].map((group) => `${fileName}.${group}.data`)
		);
		const width: Partial<Record<number, number>> = {
			[TensorProto_DataType.FLOAT]: 4,
			[TensorProto_DataType.UINT8]: 1
		};
		const external = decode(model).graph!.initializer.filter(
			(t) => t.dataLocation === TensorProto_DataLocation.EXTERNAL
		);
		expect(external.length).toBeGreaterThan(0);
		for (const tensor of external) {
			const info = Object.fromEntries(tensor.externalData.map((e) => [e.key, e.value]));
			const file = externalFiles.get(info.location);
			expect(file, `${tensor.name} in ${info.location}`).toBeDefined();
			const [offset, length] = [Number(info.offset), Number(info.length)];
			expect(offset % 64).toBe(0);
			expect(offset + length).toBeLessThanOrEqual(file!.byteLength);
			expect(length).toBe(tensor.dims.reduce((a, b) => a * Number(b), 1) * width[tensor.dataType]!);
		}
		const layerFile = externalFiles.get(`${fileName}.layer.1.data`)!;
		const layerTensors = external.filter((t) =>
			t.externalData.some((e) => e.value === `${fileName}.layer.1.data`)
		);
		expect(layerTensors.every((t) => t.name.startsWith('layers.1.'))).toBe(true);
		expect(layerFile.byteLength).toBeGreaterThan(0);
	});

	it('is deterministic, and a change to one layer changes only that layer’s file', () => {
		const first = buildDecoderGraph(weights, variant, fileName);
		const again = buildDecoderGraph(weights, variant, fileName);
		expect(Buffer.from(again.model).equals(Buffer.from(first.model))).toBe(true);

		const up = weights.layers[1].up;
		const changed: DecoderWeights = {
			...weights,
			layers: [
				weights.layers[0],
				{ ...weights.layers[1], up: { ...up, data: up.data.map((x) => x * 1.5) } }
			]
		};
		const second = buildDecoderGraph(changed, variant, fileName);
		expect(Buffer.from(second.model).equals(Buffer.from(first.model))).toBe(true);
		const differing = [...first.externalFiles].filter(
			([name, bytes]) => !Buffer.from(bytes).equals(Buffer.from(second.externalFiles.get(name)!))
		);
		expect(differing.map(([name]) => name)).toEqual([`${fileName}.layer.1.data`]);
	});
});

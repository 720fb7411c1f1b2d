// The decoder as an ONNX graph in the Hugging Face layout: inputs `input_ids`,
// `attention_mask`, `position_ids`, `past_key_values.{i}.key|value`; outputs `logits`,
// `present.{i}.key|value`. It computes what training/trainer/model.py computes, with plain
// opset-17 operators (plus com.microsoft.MatMulNBits for int4 linears) that onnxruntime runs
// on CPU, WebAssembly and WebGPU alike; no fused contrib attention or normalization.
//
// Shapes: B batch, S new positions, P cached positions, T = P + S key positions, D hidden,
// H query heads, Hkv key/value heads, hd head size, F MLP width, V vocabulary.
//
// External data: one file per group — `embed`, `rope`, `layer.{i}`, `head` — so a version
// that changes some layers leaves the other files byte-identical.
import type { DecoderWeights, Tensor } from './checkpoint';
import { DataType, GraphBuilder, type SerializedModel } from './onnx-graph';
import { INT4_BLOCK_SIZE, quantizeInt4 } from './quantize-int4';

export type Variant = 'fp32' | 'q4';

export const OPSET = 17;
export const IR_VERSION = 8;

/** The most negative float32: masked scores get it rather than −∞, as in the trainer. */
const MASKED_SCORE = -3.4028234663852886e38;

export function buildDecoderGraph(
	weights: DecoderWeights,
	variant: Variant,
	fileName: string
): SerializedModel {
	const c = weights.config;
	const g = new GraphBuilder();
	const hd = c.headDim;
	const group = c.numHeads / c.numKvHeads;

	const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
	const attentionMask = g.input('attention_mask', DataType.INT64, [
		'batch_size',
		'total_sequence_length'
	]);
	const positionIds = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
	const past = Array.from({ length: c.numLayers }, (_, i) =>
		(['key', 'value'] as const).map((kind) =>
			g.input(`past_key_values.${i}.${kind}`, DataType.FLOAT, [
				'batch_size',
				c.numKvHeads,
				'past_sequence_length',
				hd
			])
		)
	);

	const embed = g.weight(
		'tok_emb.weight',
		DataType.FLOAT,
		[c.vocabSize, c.hiddenSize],
		bytesOf(weights.embed.data),
		'embed'
	);
	let x = g.op('Gather', [embed, inputIds], { axis: 0 }, 'embed'); // [B, S, D]

	// Which keys each query may see: key index j ≤ P + query index, and j not padding.
	const one = g.int64([1], [], 'one');
	const zero = g.int64([0], [], 'zero');
	const newLength = g.op('Gather', [g.op('Shape', [inputIds]), one], { axis: 0 }, 'S');
	const totalLength = g.op('Gather', [g.op('Shape', [attentionMask]), one], { axis: 0 }, 'T');
	const pastLength = g.op('Sub', [totalLength, newLength], {}, 'P');
	const keyIndex = g.op('Range', [zero, totalLength, one], {}, 'key_index'); // [T]
	const queryIndex = g.op('Range', [pastLength, totalLength, one], {}, 'query_index'); // [S]
	const causal = g.op(
		'LessOrEqual',
		[g.op('Unsqueeze', [keyIndex, g.int64([0])]), g.op('Unsqueeze', [queryIndex, g.int64([1])])],
		{},
		'causal'
	); // [S, T]
	const notPadding = g.op(
		'Unsqueeze',
		[g.op('Cast', [attentionMask], { to: DataType.BOOL }), g.int64([1, 2])],
		{},
		'not_padding'
	); // [B, 1, 1, T]
	const allowed = g.op('And', [causal, notPadding], {}, 'allowed'); // [B, 1, S, T]
	const maskedScore = g.float([MASKED_SCORE], [], 'masked_score');

	// Rotary tables gathered by position: [B, 1, S, hd], shared by every layer.
	const { cos, sin } = rotaryTables(c.maxPositions, hd, c.ropeTheta);
	const cosTable = g.weight('rope.cos', DataType.FLOAT, [c.maxPositions, hd], bytesOf(cos), 'rope');
	const sinTable = g.weight('rope.sin', DataType.FLOAT, [c.maxPositions, hd], bytesOf(sin), 'rope');
	const headAxis = g.int64([1]);
	const cosAt = g.op(
		'Unsqueeze',
		[g.op('Gather', [cosTable, positionIds], { axis: 0 }), headAxis],
		{},
		'cos'
	);
	const sinAt = g.op(
		'Unsqueeze',
		[g.op('Gather', [sinTable, positionIds], { axis: 0 }), headAxis],
		{},
		'sin'
	);

	const scale = g.float([Math.sqrt(hd)], [], 'sqrt_head_size');
	const eps = g.float([c.rmsNormEps], [], 'rms_norm_eps');
	const splitHeads = (n: number) => g.int64([0, 0, n, hd]);
	const qShape = splitHeads(c.numHeads);
	const kvShape = splitHeads(c.numKvHeads);
	const mergedShape = g.int64([0, 0, c.numHeads * hd]);
	const repeatKv = g.int64([1, 1, group, 1, 1]);
	const repeatedShape = g.int64([0, c.numHeads, -1, hd]);
	const groupAxis = g.int64([2]);

	const rmsNorm = (input: string, weight: Tensor, name: string, file: string) => {
		const w = g.weight(name, DataType.FLOAT, weight.shape, bytesOf(weight.data), file);
		const meanSquare = g.op('ReduceMean', [g.op('Mul', [input, input])], {
			axes: [-1],
			keepdims: 1
		});
		const rms = g.op('Sqrt', [g.op('Add', [meanSquare, eps])]);
		return g.op('Mul', [g.op('Div', [input, rms]), w], {}, name);
	};

	const linear = (input: string, weight: Tensor, name: string, file: string, bias?: Tensor) => {
		const [n, k] = weight.shape;
		let out: string;
		if (variant === 'q4') {
			const q = quantizeInt4(weight.data, n, k);
			const packed = g.weight(
				`${name}.q4`,
				DataType.UINT8,
				[n, q.blocksPerRow, INT4_BLOCK_SIZE / 2],
				q.packed,
				file
			);
			const scales = g.weight(
				`${name}.scales`,
				DataType.FLOAT,
				[n * q.blocksPerRow],
				bytesOf(q.scales),
				file
			);
			out = g.node('MatMulNBits', [input, packed, scales], {
				name,
				domain: 'com.microsoft',
				attributes: { K: k, N: n, bits: 4, block_size: INT4_BLOCK_SIZE }
			})[0];
		} else {
			const transposed = g.weight(
				name,
				DataType.FLOAT,
				[k, n],
				bytesOf(transpose(weight.data, n, k)),
				file
			);
			out = g.op('MatMul', [input, transposed], {}, name);
		}
		if (!bias) return out;
		const b = g.weight(
			name.replace(/weight$/, 'bias'),
			DataType.FLOAT,
			bias.shape,
			bytesOf(bias.data),
			file
		);
		return g.op('Add', [out, b]);
	};

	// x·cos + rotate_half(x)·sin, rotate_half(x) = [−second half, first half].
	// Slice rather than Split: onnxruntime-web's WebGPU Split mis-sizes an equal split of a
	// [B, Hkv, S, hd] input (its outputs come back empty).
	const lastAxis = g.int64([-1]);
	const halfStart = g.int64([0]);
	const halfMiddle = g.int64([hd / 2]);
	const halfEnd = g.int64([hd]);
	const rotate = (input: string) => {
		const first = g.op('Slice', [input, halfStart, halfMiddle, lastAxis]);
		const second = g.op('Slice', [input, halfMiddle, halfEnd, lastAxis]);
		const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 });
		return g.op('Add', [g.op('Mul', [input, cosAt]), g.op('Mul', [rotated, sinAt])]);
	};

	// [B, Hkv, T, hd] → [B, H, T, hd]: each key/value head serves `group` consecutive query heads.
	const repeatHeads = (input: string) =>
		group === 1
			? input
			: g.op('Reshape', [
					g.op('Expand', [g.op('Unsqueeze', [input, groupAxis]), repeatKv]),
					repeatedShape
				]);

	const heads = (input: string, shape: string) =>
		g.op('Transpose', [g.op('Reshape', [input, shape])], { perm: [0, 2, 1, 3] }); // [B, heads, S, hd]

	weights.layers.forEach((layer, i) => {
		const p = `layers.${i}.`;
		const file = `layer.${i}`;
		const h = rmsNorm(x, layer.attnNorm, p + 'attn_norm.weight', file);
		const bias = layer.qkvBias;
		const q = rotate(heads(linear(h, layer.q, p + 'attn.q.weight', file, bias?.q), qShape));
		const k = rotate(heads(linear(h, layer.k, p + 'attn.k.weight', file, bias?.k), kvShape));
		const v = heads(linear(h, layer.v, p + 'attn.v.weight', file, bias?.v), kvShape);
		const [presentKey] = g.node('Concat', [past[i][0], k], {
			attributes: { axis: 2 },
			outputs: [`present.${i}.key`]
		});
		const [presentValue] = g.node('Concat', [past[i][1], v], {
			attributes: { axis: 2 },
			outputs: [`present.${i}.value`]
		});
		const keysT = g.op('Transpose', [repeatHeads(presentKey)], { perm: [0, 1, 3, 2] }); // [B, H, hd, T]
		const scores = g.op('Div', [g.op('MatMul', [q, keysT]), scale]); // [B, H, S, T]
		const probs = g.op('Softmax', [g.op('Where', [allowed, scores, maskedScore])], { axis: -1 });
		const context = g.op('MatMul', [probs, repeatHeads(presentValue)]); // [B, H, S, hd]
		const merged = g.op('Reshape', [
			g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
			mergedShape
		]);
		x = g.op(
			'Add',
			[x, linear(merged, layer.o, p + 'attn.o.weight', file)],
			{},
			p + 'attn_residual'
		);

		const m = rmsNorm(x, layer.mlpNorm, p + 'mlp_norm.weight', file);
		const gate = linear(m, layer.gate, p + 'mlp.gate.weight', file);
		const up = linear(m, layer.up, p + 'mlp.up.weight', file);
		const act = g.op(
			'Mul',
			[g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up],
			{},
			p + 'mlp.swiglu'
		);
		x = g.op(
			'Add',
			[x, linear(act, layer.down, p + 'mlp.down.weight', file)],
			{},
			p + 'mlp_residual'
		);
	});

	const final = rmsNorm(x, weights.norm, 'norm.weight', 'head');
	if (weights.lmHead) {
		const logits = linear(final, weights.lmHead, 'lm_head.weight', 'head');
		g.node('Identity', [logits], { outputs: ['logits'] });
	} else {
		// Tied head: Gemm reads the embedding transposed in place, so neither the file nor the
		// runtime holds a second copy of the largest matrix. It stays float32 in the int4 model
		// too: the embedding must be float32 for Gather anyway, and a quantized copy would add
		// bytes to download while losing precision on the logits.
		const flat = g.op('Reshape', [final, g.int64([-1, c.hiddenSize])]); // [B·S, D]
		const flatLogits = g.op('Gemm', [flat, embed], { transB: 1 }); // [B·S, V]
		const logitsShape = g.op('Concat', [g.op('Shape', [inputIds]), g.int64([c.vocabSize])], {
			axis: 0
		});
		g.node('Reshape', [flatLogits, logitsShape], { outputs: ['logits'] });
	}

	g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', c.vocabSize]);
	for (let i = 0; i < c.numLayers; i++) {
		for (const kind of ['key', 'value']) {
			g.output(`present.${i}.${kind}`, DataType.FLOAT, [
				'batch_size',
				c.numKvHeads,
				'total_sequence_length',
				hd
			]);
		}
	}
	return g.serialize({
		graphName: `${c.modelType}-decoder-${variant}`,
		fileName,
		opsets: variant === 'q4' ? { '': OPSET, 'com.microsoft': 1 } : { '': OPSET },
		irVersion: IR_VERSION,
		producer: 'hearth-build'
	});
}

/**
 * cos and sin [maxPositions, hd] in the trainer's float32 arithmetic: inverse frequencies
 * θ^(−2j/hd), angles position · frequency repeated over both halves of the head.
 */
export function rotaryTables(maxPositions: number, hd: number, theta: number) {
	const f = Math.fround;
	const half = hd / 2;
	const inverse = Array.from({ length: half }, (_, j) => f(1 / f(theta ** f((2 * j) / hd))));
	const cos = new Float32Array(maxPositions * hd);
	const sin = new Float32Array(maxPositions * hd);
	for (let position = 0; position < maxPositions; position++) {
		for (let j = 0; j < half; j++) {
			const angle = f(position * inverse[j]);
			for (const column of [j, j + half]) {
				cos[position * hd + column] = Math.cos(angle);
				sin[position * hd + column] = Math.sin(angle);
			}
		}
	}
	return { cos, sin };
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
	const out = new Float32Array(data.length);
	for (let r = 0; r < rows; r++) {
		for (let col = 0; col < cols; col++) out[col * rows + r] = data[r * cols + col];
	}
	return out;
}

function bytesOf(data: Float32Array): Uint8Array {
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

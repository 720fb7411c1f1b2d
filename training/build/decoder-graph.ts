// The decoder as an ONNX graph in the Hugging Face layout: inputs `input_ids`,
// `attention_mask`, `position_ids`, `past_key_values.{i}.key|value`; outputs `logits`,
// `present.{i}.key|value`. It computes what training/trainer/model.py computes, with plain
// opset-17 operators (plus com.microsoft.MatMulNBits for int4 linears) that onnxruntime runs
// on CPU, WebAssembly and WebGPU alike; no fused contrib attention or normalization.
//
// Shapes, as in training/trainer/model.py: B batch, S new positions (`sequence_length`), P
// cached positions (`past_sequence_length`), T = P + S key positions (`total_sequence_length`),
// D hidden, H query heads, Hkv key/value heads, hd head size, F MLP width, V vocabulary.
//
// The pieces follow model.py's classes: `embedding` (tok_emb), `attentionMask` and
// `rotaryAt` (Decoder.hidden_states, rotary_tables), `attention` (Attention), `mlp` (SwiGLU),
// `decoderLayer` (Block), `rmsNorm` (RMSNorm) and `head` (the final norm and CausalLM's
// logits). Every name in the graph is made unique in the order it is created, so the pieces
// run in a fixed order and the graph comes out byte for byte the same each time.
//
// External data: one file per group — `embed`, `rope`, `layer.{i}`, `head` — so a version
// that changes some layers leaves the other files byte-identical.
import type { DecoderConfig, DecoderWeights, LayerWeights, Tensor } from './checkpoint';
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
	const inputs = decoderInputs(g, c);
	const embed = embedding(g, c, weights.embed, inputs.inputIds);
	const mask = attentionMask(g, inputs.inputIds, inputs.attentionMask);
	const rotary = rotaryAt(g, c, inputs.positionIds);
	const d: DecoderContext = { g, c, variant, mask, rotary, shared: sharedConstants(g, c) };

	let x = embed.hidden;
	weights.layers.forEach((layer, i) => {
		x = decoderLayer(d, layer, i, x, inputs.past[i]);
	});
	head(d, weights, x, embed.table, inputs.inputIds);

	declareOutputs(g, c);
	return g.serialize({
		graphName: `${c.modelType}-decoder-${variant}`,
		fileName,
		opsets: variant === 'q4' ? { '': OPSET, 'com.microsoft': 1 } : { '': OPSET },
		irVersion: IR_VERSION,
		producer: 'hearth-build'
	});
}

/** What every piece of the graph reads: the builder, the config and the per-model values. */
interface DecoderContext {
	g: GraphBuilder;
	c: DecoderConfig;
	variant: Variant;
	/** Which keys each query may see [B, 1, S, T], and the score the others get. */
	mask: { allowed: string; maskedScore: string };
	/** cos and sin at each position [B, 1, S, hd], shared by every layer. */
	rotary: { cos: string; sin: string };
	shared: ReturnType<typeof sharedConstants>;
}

function decoderInputs(g: GraphBuilder, c: DecoderConfig) {
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
				c.headDim
			])
		)
	);
	return { inputIds, attentionMask, positionIds, past };
}

function declareOutputs(g: GraphBuilder, c: DecoderConfig) {
	g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', c.vocabSize]);
	for (let i = 0; i < c.numLayers; i++) {
		for (const kind of ['key', 'value']) {
			g.output(`present.${i}.${kind}`, DataType.FLOAT, [
				'batch_size',
				c.numKvHeads,
				'total_sequence_length',
				c.headDim
			]);
		}
	}
}

/** The token embedding: its table (the tied head reads it too) and the hidden states [B, S, D]. */
function embedding(g: GraphBuilder, c: DecoderConfig, weight: Tensor, inputIds: string) {
	const shape = [c.vocabSize, c.hiddenSize];
	const table = g.weight('tok_emb.weight', DataType.FLOAT, shape, bytesOf(weight.data), 'embed');
	const hidden = g.op('Gather', [table, inputIds], { axis: 0 }, 'embed'); // [B, S, D]
	return { table, hidden };
}

/** Which keys each query may see: key index j ≤ P + query index, and j not padding. */
function attentionMask(g: GraphBuilder, inputIds: string, attentionMask: string) {
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
	return { allowed, maskedScore };
}

/** Rotary tables gathered by position: [B, 1, S, hd], shared by every layer. */
function rotaryAt(g: GraphBuilder, c: DecoderConfig, positionIds: string) {
	const hd = c.headDim;
	const { cos, sin } = rotaryTables(c.maxPositions, hd, c.ropeTheta);
	const cosTable = g.weight('rope.cos', DataType.FLOAT, [c.maxPositions, hd], bytesOf(cos), 'rope');
	const sinTable = g.weight('rope.sin', DataType.FLOAT, [c.maxPositions, hd], bytesOf(sin), 'rope');
	const headAxis = g.int64([1]);
	const at = (table: string, name: string) =>
		g.op('Unsqueeze', [g.op('Gather', [table, positionIds], { axis: 0 }), headAxis], {}, name);
	return { cos: at(cosTable, 'cos'), sin: at(sinTable, 'sin') };
}

/** The small constants every layer shares, made once; their order sets their names and bytes. */
function sharedConstants(g: GraphBuilder, c: DecoderConfig) {
	const hd = c.headDim;
	const splitHeads = (n: number) => g.int64([0, 0, n, hd]);
	return {
		scale: g.float([Math.sqrt(hd)], [], 'sqrt_head_size'),
		eps: g.float([c.rmsNormEps], [], 'rms_norm_eps'),
		qShape: splitHeads(c.numHeads),
		kvShape: splitHeads(c.numKvHeads),
		mergedShape: g.int64([0, 0, c.numHeads * hd]),
		repeatKv: g.int64([1, 1, c.numHeads / c.numKvHeads, 1, 1]),
		repeatedShape: g.int64([0, c.numHeads, -1, hd]),
		groupAxis: g.int64([2]),
		lastAxis: g.int64([-1]),
		halfStart: g.int64([0]),
		halfMiddle: g.int64([hd / 2]),
		halfEnd: g.int64([hd])
	};
}

/** Where a layer's pieces put their names: `layers.{i}.…` weights in the file `layer.{i}`. */
interface LayerAt {
	i: number;
	prefix: string;
	file: string;
}

/** One pre-norm block: x + attention(norm(x)), then x + MLP(norm(x)). */
function decoderLayer(
	d: DecoderContext,
	layer: LayerWeights,
	i: number,
	x: string,
	past: string[]
) {
	const at: LayerAt = { i, prefix: `layers.${i}.`, file: `layer.${i}` };
	const h = rmsNorm(d, x, layer.attnNorm, at.prefix + 'attn_norm.weight', at.file);
	x = d.g.op('Add', [x, attention(d, layer, at, h, past)], {}, at.prefix + 'attn_residual');
	const m = rmsNorm(d, x, layer.mlpNorm, at.prefix + 'mlp_norm.weight', at.file);
	return d.g.op('Add', [x, mlp(d, layer, at, m)], {}, at.prefix + 'mlp_residual');
}

/** Grouped-query attention over the cache and the new positions; writes `present.{i}.*`. */
function attention(d: DecoderContext, layer: LayerWeights, at: LayerAt, h: string, past: string[]) {
	const { g } = d;
	const { qShape, kvShape, mergedShape, scale } = d.shared;
	const project = (weight: Tensor, name: string, bias?: Tensor) =>
		linear(d, h, weight, `${at.prefix}attn.${name}.weight`, at.file, bias);
	const bias = layer.qkvBias;
	const q = rotate(d, heads(d, project(layer.q, 'q', bias?.q), qShape)); // [B, H, S, hd]
	const k = rotate(d, heads(d, project(layer.k, 'k', bias?.k), kvShape)); // [B, Hkv, S, hd]
	const v = heads(d, project(layer.v, 'v', bias?.v), kvShape); // [B, Hkv, S, hd]
	const [presentKey] = g.node('Concat', [past[0], k], {
		attributes: { axis: 2 },
		outputs: [`present.${at.i}.key`]
	}); // [B, Hkv, T, hd]
	const [presentValue] = g.node('Concat', [past[1], v], {
		attributes: { axis: 2 },
		outputs: [`present.${at.i}.value`]
	});
	const keysT = g.op('Transpose', [repeatHeads(d, presentKey)], { perm: [0, 1, 3, 2] }); // [B, H, hd, T]
	const scores = g.op('Div', [g.op('MatMul', [q, keysT]), scale]); // [B, H, S, T]
	const { allowed, maskedScore } = d.mask;
	const probs = g.op('Softmax', [g.op('Where', [allowed, scores, maskedScore])], { axis: -1 });
	const context = g.op('MatMul', [probs, repeatHeads(d, presentValue)]); // [B, H, S, hd]
	const merged = g.op('Reshape', [
		g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
		mergedShape
	]); // [B, S, H·hd]
	return linear(d, merged, layer.o, at.prefix + 'attn.o.weight', at.file);
}

/** [B, S, heads·hd] → [B, heads, S, hd]. */
function heads(d: DecoderContext, input: string, shape: string) {
	return d.g.op('Transpose', [d.g.op('Reshape', [input, shape])], { perm: [0, 2, 1, 3] });
}

/**
 * x·cos + rotate_half(x)·sin, rotate_half(x) = [−second half, first half]. Slice rather than
 * Split: onnxruntime-web's WebGPU Split mis-sizes an equal split of a [B, Hkv, S, hd] input
 * (its outputs come back empty).
 */
function rotate(d: DecoderContext, input: string) {
	const { g } = d;
	const { halfStart, halfMiddle, halfEnd, lastAxis } = d.shared;
	const first = g.op('Slice', [input, halfStart, halfMiddle, lastAxis]);
	const second = g.op('Slice', [input, halfMiddle, halfEnd, lastAxis]);
	const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 });
	return g.op('Add', [g.op('Mul', [input, d.rotary.cos]), g.op('Mul', [rotated, d.rotary.sin])]);
}

/** [B, Hkv, T, hd] → [B, H, T, hd]: each key/value head serves a group of consecutive query heads. */
function repeatHeads(d: DecoderContext, input: string) {
	const { g } = d;
	const { groupAxis, repeatKv, repeatedShape } = d.shared;
	if (d.c.numHeads === d.c.numKvHeads) return input;
	return g.op('Reshape', [
		g.op('Expand', [g.op('Unsqueeze', [input, groupAxis]), repeatKv]),
		repeatedShape
	]);
}

/** SwiGLU: down(silu(gate(x)) · up(x)). */
function mlp(d: DecoderContext, layer: LayerWeights, at: LayerAt, m: string) {
	const project = (input: string, weight: Tensor, name: string) =>
		linear(d, input, weight, `${at.prefix}mlp.${name}.weight`, at.file);
	const gate = project(m, layer.gate, 'gate');
	const up = project(m, layer.up, 'up');
	const silu = d.g.op('Mul', [gate, d.g.op('Sigmoid', [gate])]);
	const act = d.g.op('Mul', [silu, up], {}, at.prefix + 'mlp.swiglu'); // [B, S, F]
	return project(act, layer.down, 'down');
}

/** The final norm and the logits, written to the `logits` output. */
function head(
	d: DecoderContext,
	weights: DecoderWeights,
	x: string,
	embed: string,
	inputIds: string
) {
	const { g, c } = d;
	const final = rmsNorm(d, x, weights.norm, 'norm.weight', 'head');
	if (weights.lmHead) {
		const logits = linear(d, final, weights.lmHead, 'lm_head.weight', 'head');
		g.node('Identity', [logits], { outputs: ['logits'] });
		return;
	}
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

/** x / sqrt(mean(x²) + eps) · weight over the last axis. */
function rmsNorm(d: DecoderContext, input: string, weight: Tensor, name: string, file: string) {
	const { g } = d;
	const w = g.weight(name, DataType.FLOAT, weight.shape, bytesOf(weight.data), file);
	const meanSquare = g.op('ReduceMean', [g.op('Mul', [input, input])], { axes: [-1], keepdims: 1 });
	const rms = g.op('Sqrt', [g.op('Add', [meanSquare, d.shared.eps])]);
	return g.op('Mul', [g.op('Div', [input, rms]), w], {}, name);
}

/** input · weightᵀ (+ bias): MatMul on float32, MatMulNBits on int4 blocks in the q4 graph. */
function linear(
	d: DecoderContext,
	input: string,
	weight: Tensor,
	name: string,
	file: string,
	bias?: Tensor
) {
	const { g } = d;
	const [n, k] = weight.shape;
	let out: string;
	if (d.variant === 'q4') {
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

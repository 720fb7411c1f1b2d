// Blockwise symmetric int4 quantization in the layout of com.microsoft.MatMulNBits (bits 4):
// a weight [N, K] (a torch Linear's [out, in]) is cut along K into blocks of 32; each block
// keeps one float32 scale, and each value becomes a code q in 0..15 with
// w ≈ scale · (q − 8), 8 being the operator's default zero point. Codes are packed two per
// byte, the earlier one in the low nibble.
//
// The scale maps the block's largest-magnitude value exactly onto code 0 (q − 8 = −8), so the
// full range −8..7 is used; values of the opposite sign at that magnitude clip to 7. Everything
// is plain arithmetic on float32 inputs with one rounding rule, so the same tensor always gives
// the same bytes.

export const INT4_BLOCK_SIZE = 32;
const ZERO_POINT = 8;

export interface Int4Weight {
	/** Output features (rows of the torch weight). */
	n: number;
	/** Input features, the reduction axis. */
	k: number;
	blocksPerRow: number;
	/** [n, blocksPerRow, INT4_BLOCK_SIZE / 2] */
	packed: Uint8Array;
	/** [n · blocksPerRow] */
	scales: Float32Array;
}

export function quantizeInt4(weight: Float32Array, n: number, k: number): Int4Weight {
	if (weight.length !== n * k) {
		throw new Error(`quantizeInt4: ${weight.length} values do not form a [${n}, ${k}] matrix`);
	}
	const blocksPerRow = Math.ceil(k / INT4_BLOCK_SIZE);
	const bytesPerBlock = INT4_BLOCK_SIZE / 2;
	const packed = new Uint8Array(n * blocksPerRow * bytesPerBlock);
	const scales = new Float32Array(n * blocksPerRow);
	for (let row = 0; row < n; row++) {
		for (let block = 0; block < blocksPerRow; block++) {
			const start = row * k + block * INT4_BLOCK_SIZE;
			const length = Math.min(INT4_BLOCK_SIZE, k - block * INT4_BLOCK_SIZE);
			// The first value of largest magnitude decides the scale (its sign included).
			let extreme = 0;
			for (let i = 0; i < length; i++) {
				if (Math.abs(weight[start + i]) > Math.abs(extreme)) extreme = weight[start + i];
			}
			// An all-zero block stores +0 (not the −0 that 0 / −8 gives).
			const scale = extreme === 0 ? 0 : Math.fround(extreme / -ZERO_POINT);
			const blockIndex = row * blocksPerRow + block;
			scales[blockIndex] = scale;
			const out = blockIndex * bytesPerBlock;
			// Positions past K (a partial last block) hold the zero code.
			for (let i = 0; i < INT4_BLOCK_SIZE; i++) {
				let code = ZERO_POINT;
				if (i < length && scale !== 0) {
					code = Math.min(15, Math.max(0, roundHalfEven(weight[start + i] / scale) + ZERO_POINT));
				}
				packed[out + (i >> 1)] |= i & 1 ? code << 4 : code;
			}
		}
	}
	return { n, k, blocksPerRow, packed, scales };
}

/** The float32 [n, k] matrix the operator computes with. */
export function dequantizeInt4(weight: Int4Weight): Float32Array {
	const { n, k, blocksPerRow, packed, scales } = weight;
	const out = new Float32Array(n * k);
	for (let row = 0; row < n; row++) {
		for (let col = 0; col < k; col++) {
			const block = row * blocksPerRow + Math.floor(col / INT4_BLOCK_SIZE);
			const i = col % INT4_BLOCK_SIZE;
			const byte = packed[block * (INT4_BLOCK_SIZE / 2) + (i >> 1)];
			const code = i & 1 ? byte >> 4 : byte & 0x0f;
			out[row * k + col] = scales[block] * (code - ZERO_POINT);
		}
	}
	return out;
}

function roundHalfEven(x: number): number {
	const r = Math.round(x);
	return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, GraphBuilder } from '../../../training/build/onnx-graph';
import {
	dequantizeInt4,
	INT4_BLOCK_SIZE,
	quantizeInt4
} from '../../../training/build/quantize-int4';

/** One row whose values are exactly codes 0..15 (twice) at scale 1: w = code − 8. */
function codeRamp(): Float32Array {
	return Float32Array.from({ length: 32 }, (_, i) => (i % 16) - 8);
}

describe('int4 block quantization', () => {
	it('packs two codes per byte, the earlier one in the low nibble', () => {
		const q = quantizeInt4(codeRamp(), 1, 32);
		expect(q.scales[0]).toBe(1); // the extreme −8 maps onto code 0
		expect(Array.from(q.packed.subarray(0, 8))).toEqual([
			0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe
		]);
		expect(Array.from(dequantizeInt4(q))).toEqual(Array.from(codeRamp()));
	});

	it('gives each block of 32 its own scale, from its largest-magnitude value with its sign', () => {
		const row = new Float32Array(96);
		row.fill(0.01, 0, 32);
		row[5] = -0.4; // block 0: extreme −0.4 → scale 0.05
		row.fill(-0.02, 32, 64);
		row[40] = 2; // block 1: extreme +2 → scale −0.25
		// block 2 stays zero → scale 0, every code 8
		const q = quantizeInt4(row, 1, 96);
		expect(q.blocksPerRow).toBe(3);
		expect(Array.from(q.scales)).toEqual([Math.fround(0.05), -0.25, 0]);
		const back = dequantizeInt4(q);
		expect(back[5]).toBeCloseTo(-0.4, 6);
		expect(back[40]).toBe(2);
		expect(Array.from(back.subarray(64))).toEqual(new Array(32).fill(0));
		expect(Array.from(q.packed.subarray(32))).toEqual(new Array(16).fill(0x88));
	});

	it('pads a partial last block with the zero code and leaves it out of the result', () => {
		const weight = Float32Array.from({ length: 2 * 40 }, (_, i) => Math.sin(i));
		const q = quantizeInt4(weight, 2, 40);
		expect(q.blocksPerRow).toBe(2);
		expect(q.packed.length).toBe(2 * 2 * (INT4_BLOCK_SIZE / 2));
		// Row 0, block 1 holds 8 real values (4 bytes) then 24 padding codes (12 bytes of 0x88).
		const padding = q.packed.subarray(16 + 4, 32);
		expect(Array.from(padding)).toEqual(new Array(12).fill(0x88));
		expect(dequantizeInt4(q).length).toBe(80);
	});

	it('is deterministic: the same tensor always gives the same bytes', () => {
		fc.assert(
			fc.property(
				fc.float32Array({ minLength: 64, maxLength: 64, noNaN: true, noDefaultInfinity: true }),
				(values) => {
					const a = quantizeInt4(values, 2, 32);
					const b = quantizeInt4(Float32Array.from(values), 2, 32);
					expect(Buffer.from(a.packed).equals(Buffer.from(b.packed))).toBe(true);
					expect(Buffer.from(a.scales.buffer).equals(Buffer.from(b.scales.buffer))).toBe(true);
				}
			)
		);
	});

	it('reconstructs every value within half a step, and within one step where the top code clips', () => {
		const finite = fc.float({ min: -1e6, max: 1e6, noNaN: true });
		fc.assert(
			fc.property(fc.array(finite, { minLength: 96, maxLength: 96 }), (list) => {
				const weight = Float32Array.from(list);
				const q = quantizeInt4(weight, 3, 32);
				const back = dequantizeInt4(q);
				weight.forEach((w, i) => {
					const step = Math.abs(q.scales[Math.floor(i / 32)]);
					const error = Math.abs(w - back[i]);
					// w/scale lies in [−8, 8]; above 7.5 the code clips to 15 (q − 8 = 7).
					const clipped = step > 0 && w / q.scales[Math.floor(i / 32)] > 7.5;
					const bound = (clipped ? step : step / 2) * (1 + 1e-6) + 1e-30;
					expect(error).toBeLessThanOrEqual(bound);
				});
			})
		);
	});

	it('matches what onnxruntime computes with com.microsoft.MatMulNBits', async () => {
		const n = 5;
		const k = 64;
		const weight = Float32Array.from({ length: n * k }, (_, i) => Math.sin(i * 0.37) * 0.1);
		const input = Float32Array.from({ length: 3 * k }, (_, i) => Math.cos(i * 0.11));
		const q = quantizeInt4(weight, n, k);

		const g = new GraphBuilder();
		const a = g.input('a', DataType.FLOAT, [3, k]);
		const b = g.weight('b', DataType.UINT8, [n, q.blocksPerRow, 16], q.packed, 'w');
		const scales = g.weight(
			'scales',
			DataType.FLOAT,
			[n * q.blocksPerRow],
			new Uint8Array(q.scales.buffer),
			'w'
		);
		g.node('MatMulNBits', [a, b, scales], {
			domain: 'com.microsoft',
			attributes: { K: k, N: n, bits: 4, block_size: 32 },
			outputs: ['y']
		});
		g.output('y', DataType.FLOAT, [3, n]);
		const { model, externalFiles } = g.serialize({
			graphName: 'matmulnbits',
			fileName: 'm.onnx',
			opsets: { '': 17, 'com.microsoft': 1 },
			irVersion: 8,
			producer: 'test'
		});
		const session = await ort.InferenceSession.create(model, {
			externalData: [...externalFiles].map(([path, data]) => ({ path, data }))
		});
		const { y } = await session.run({ a: new ort.Tensor('float32', input, [3, k]) });
		const dequantized = dequantizeInt4(q);
		const got = y.data as Float32Array;
		for (let r = 0; r < 3; r++) {
			for (let c = 0; c < n; c++) {
				let want = 0;
				for (let j = 0; j < k; j++) want += input[r * k + j] * dequantized[c * k + j];
				expect(got[r * n + c]).toBeCloseTo(want, 5);
			}
		}
		await session.release();
	});
});

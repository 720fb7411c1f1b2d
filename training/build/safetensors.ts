// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
// tensor name to {dtype, shape, data_offsets}, then the raw little-endian bytes. Read here
// directly so the build needs no Python; float tensors of any width come back as float32.

export interface SafetensorsEntry {
	dtype: string;
	shape: number[];
	bytes: Uint8Array;
}

const BYTES_PER_ELEMENT: Record<string, number> = {
	F64: 8,
	F32: 4,
	F16: 2,
	BF16: 2,
	I64: 8,
	I32: 4,
	I16: 2,
	I8: 1,
	U8: 1,
	BOOL: 1
};

/** Every tensor of a safetensors file; `source` names the file in errors. */
export function parseSafetensors(file: Uint8Array, source: string): Map<string, SafetensorsEntry> {
	const fail = (problem: string) => new Error(`${source}: ${problem}`);
	if (file.byteLength < 8) throw fail('too short to be a safetensors file');
	const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
	const headerLength = Number(view.getBigUint64(0, true));
	if (8 + headerLength > file.byteLength) {
		throw fail(
			`header length ${headerLength} runs past the end of the file (${file.byteLength} bytes)`
		);
	}
	let header: unknown;
	try {
		header = JSON.parse(
			new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength))
		);
	} catch (error) {
		throw fail(`header is not valid JSON (${(error as Error).message})`);
	}
	if (typeof header !== 'object' || header === null || Array.isArray(header)) {
		throw fail('header is not a JSON object');
	}
	const body = 8 + headerLength;
	const tensors = new Map<string, SafetensorsEntry>();
	for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
		if (name === '__metadata__') continue;
		const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
		const width = typeof dtype === 'string' ? BYTES_PER_ELEMENT[dtype] : undefined;
		const validShape = Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
		const validOffsets =
			Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isInteger(o));
		if (width === undefined || !validShape || !validOffsets) {
			throw fail(
				`tensor ${name}: header entry ${JSON.stringify(entry)} needs a known dtype, shape and data_offsets`
			);
		}
		const [start, end] = offsets as number[];
		const expected = (shape as number[]).reduce((a, b) => a * b, 1) * width;
		if (start < 0 || end - start !== expected || body + end > file.byteLength) {
			throw fail(
				`tensor ${name}: bytes ${start}..${end} do not hold ${dtype} [${(shape as number[]).join(', ')}] inside the file`
			);
		}
		tensors.set(name, {
			dtype: dtype as string,
			shape: shape as number[],
			bytes: file.subarray(body + start, body + end)
		});
	}
	return tensors;
}

/** The tensor's values as float32 (copied, so the result is aligned and owned). */
export function toFloat32(entry: SafetensorsEntry, name: string): Float32Array {
	// The machines we build on are little-endian, like the format; the copy is fresh and
	// aligned (the file's bytes may start at any offset).
	const count = entry.shape.reduce((a, b) => a * b, 1);
	switch (entry.dtype) {
		case 'F32':
			return new Float32Array(copyBytes(entry.bytes));
		case 'F64':
			return Float32Array.from(new Float64Array(copyBytes(entry.bytes)));
		case 'F16': {
			const halves = new Uint16Array(copyBytes(entry.bytes));
			return Float32Array.from(halves, halfToFloat);
		}
		case 'BF16': {
			// bfloat16 is the top half of a float32.
			const halves = new Uint16Array(copyBytes(entry.bytes));
			const bits = new Uint32Array(count);
			for (let i = 0; i < count; i++) bits[i] = halves[i] << 16;
			return new Float32Array(bits.buffer);
		}
		default:
			throw new Error(`tensor ${name}: dtype ${entry.dtype} is not a floating-point type`);
	}
}

function halfToFloat(h: number): number {
	const sign = h & 0x8000 ? -1 : 1;
	const exponent = (h >> 10) & 0x1f;
	const fraction = h & 0x3ff;
	if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
	if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
	return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A float32 safetensors file, names sorted so equal tensors give equal bytes. */
export function serializeSafetensors(
	tensors: Record<string, { shape: number[]; data: Float32Array }>
): Uint8Array {
	const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
	let offset = 0;
	const names = Object.keys(tensors).sort();
	for (const name of names) {
		const length = tensors[name].data.byteLength;
		header[name] = {
			dtype: 'F32',
			shape: tensors[name].shape,
			data_offsets: [offset, offset + length]
		};
		offset += length;
	}
	const json = new TextEncoder().encode(JSON.stringify(header));
	// The format pads the header with spaces to a multiple of 8 bytes.
	const headerBytes = new Uint8Array(Math.ceil(json.byteLength / 8) * 8).fill(0x20);
	headerBytes.set(json);
	const out = new Uint8Array(8 + headerBytes.byteLength + offset);
	new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
	out.set(headerBytes, 8);
	let position = 8 + headerBytes.byteLength;
	for (const name of names) {
		const { data } = tensors[name];
		out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
		position += data.byteLength;
	}
	return out;
}

// `new Uint8Array(typedArray)` copies; Buffer#slice would share (and expose) the whole file.
function copyBytes(bytes: Uint8Array): ArrayBuffer {
	return new Uint8Array(bytes).buffer;
}

// A small builder for ONNX graphs on top of the official onnx.proto (compiled by onnx-buf for
// @bufbuild/protobuf). Large weights go to external data files, one file per named group, so
// the caller decides which tensors share a file (for us: one per decoder layer).
import { create, toBinary } from '@bufbuild/protobuf';
import {
	AttributeProto_AttributeType,
	AttributeProtoSchema,
	GraphProtoSchema,
	ModelProtoSchema,
	NodeProtoSchema,
	OperatorSetIdProtoSchema,
	StringStringEntryProtoSchema,
	TensorProto_DataLocation,
	TensorProto_DataType,
	TensorProtoSchema,
	TensorShapeProto_DimensionSchema,
	TensorShapeProtoSchema,
	TypeProto_TensorSchema,
	TypeProtoSchema,
	ValueInfoProtoSchema,
	type AttributeProto,
	type NodeProto,
	type TensorProto,
	type ValueInfoProto
} from 'onnx-buf';

export { TensorProto_DataType as DataType };

/** Integer attributes are all our graphs need: axes, perms, types, sizes. */
export type Attributes = Record<string, number | number[]>;

// Each tensor starts on a 64-byte boundary so a reader can view it in place as a typed array.
const EXTERNAL_ALIGNMENT = 64;

interface ExternalTensor {
	proto: TensorProto;
	group: string;
	bytes: Uint8Array;
}

export interface SerializedModel {
	/** The .onnx protobuf. */
	model: Uint8Array;
	/** External data files by name (relative to the .onnx file), in group order. */
	externalFiles: Map<string, Uint8Array>;
}

export class GraphBuilder {
	private readonly nodes: NodeProto[] = [];
	private readonly inline: TensorProto[] = [];
	private readonly external: ExternalTensor[] = [];
	private readonly inputs: ValueInfoProto[] = [];
	private readonly outputs: ValueInfoProto[] = [];
	private readonly usedNames = new Set<string>();

	/** Adds a node; returns its output names, derived from `name` (unique in the graph). */
	node(
		opType: string,
		inputs: string[],
		options: {
			name?: string;
			attributes?: Attributes;
			outputs?: number | string[];
			domain?: string;
		} = {}
	): string[] {
		const name = this.unique(options.name ?? opType);
		const outputs =
			typeof options.outputs === 'object'
				? options.outputs
				: Array.from({ length: options.outputs ?? 1 }, (_, i) =>
						(options.outputs ?? 1) === 1 ? name : `${name}:${i}`
					);
		if (typeof options.outputs === 'object') {
			for (const output of outputs) this.claim(output);
		}
		this.nodes.push(
			create(NodeProtoSchema, {
				name,
				opType,
				domain: options.domain ?? '',
				input: inputs,
				output: outputs,
				attribute: Object.entries(options.attributes ?? {}).map(([key, value]) =>
					attribute(key, value)
				)
			})
		);
		return outputs;
	}

	/** A node with one output. */
	op(opType: string, inputs: string[], attributes?: Attributes, name?: string): string {
		return this.node(opType, inputs, { attributes, name })[0];
	}

	/** A small int64 constant stored inside the .onnx file; `dims` [] makes a scalar. */
	int64(values: number[], dims: number[] = [values.length], name = 'const'): string {
		const unique = this.unique(name);
		this.inline.push(
			create(TensorProtoSchema, {
				name: unique,
				dataType: TensorProto_DataType.INT64,
				dims: dims.map(BigInt),
				int64Data: values.map(BigInt)
			})
		);
		return unique;
	}

	/** A small float32 constant stored inside the .onnx file; `dims` [] makes a scalar. */
	float(values: number[], dims: number[] = [values.length], name = 'const'): string {
		const unique = this.unique(name);
		this.inline.push(
			create(TensorProtoSchema, {
				name: unique,
				dataType: TensorProto_DataType.FLOAT,
				dims: dims.map(BigInt),
				floatData: values
			})
		);
		return unique;
	}

	/** A weight stored in the external data file of `group`. */
	weight(
		name: string,
		dataType: TensorProto_DataType,
		dims: number[],
		bytes: Uint8Array,
		group: string
	): string {
		this.claim(name);
		const proto = create(TensorProtoSchema, { name, dataType, dims: dims.map(BigInt) });
		this.external.push({ proto, group, bytes });
		return name;
	}

	input(name: string, elemType: TensorProto_DataType, dims: (number | string)[]): string {
		this.claim(name);
		this.inputs.push(valueInfo(name, elemType, dims));
		return name;
	}

	/** Declares the value `name` (already produced by a node) a graph output. */
	output(name: string, elemType: TensorProto_DataType, dims: (number | string)[]): void {
		this.outputs.push(valueInfo(name, elemType, dims));
	}

	/**
	 * The model with external data laid out: every group becomes `<fileName>.<group>.data`.
	 * Groups appear in the order their first weight was added; tensors within a group likewise.
	 */
	serialize(options: {
		graphName: string;
		fileName: string;
		opsets: Record<string, number>;
		irVersion: number;
		producer: string;
	}): SerializedModel {
		const groups = new Map<string, ExternalTensor[]>();
		for (const tensor of this.external) {
			const members = groups.get(tensor.group) ?? [];
			members.push(tensor);
			groups.set(tensor.group, members);
		}
		const externalFiles = new Map<string, Uint8Array>();
		for (const [group, members] of groups) {
			const location = `${options.fileName}.${group}.data`;
			let size = 0;
			const offsets = members.map((member) => {
				const offset = Math.ceil(size / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
				size = offset + member.bytes.byteLength;
				return offset;
			});
			const file = new Uint8Array(size);
			members.forEach((member, i) => {
				file.set(member.bytes, offsets[i]);
				member.proto.dataLocation = TensorProto_DataLocation.EXTERNAL;
				member.proto.externalData = [
					entry('location', location),
					entry('offset', String(offsets[i])),
					entry('length', String(member.bytes.byteLength))
				];
			});
			externalFiles.set(location, file);
		}
		const model = create(ModelProtoSchema, {
			irVersion: BigInt(options.irVersion),
			producerName: options.producer,
			opsetImport: Object.entries(options.opsets).map(([domain, version]) =>
				create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })
			),
			graph: create(GraphProtoSchema, {
				name: options.graphName,
				node: this.nodes,
				initializer: [...this.external.map((tensor) => tensor.proto), ...this.inline],
				input: this.inputs,
				output: this.outputs
			})
		});
		return { model: toBinary(ModelProtoSchema, model), externalFiles };
	}

	private claim(name: string): void {
		if (this.usedNames.has(name)) throw new Error(`duplicate value name ${name}`);
		this.usedNames.add(name);
	}

	private unique(base: string): string {
		let name = base;
		for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
		this.usedNames.add(name);
		return name;
	}
}

function attribute(name: string, value: number | number[]): AttributeProto {
	if (Array.isArray(value)) {
		return create(AttributeProtoSchema, {
			name,
			type: AttributeProto_AttributeType.INTS,
			ints: value.map(BigInt)
		});
	}
	return create(AttributeProtoSchema, {
		name,
		type: AttributeProto_AttributeType.INT,
		i: BigInt(value)
	});
}

function entry(key: string, value: string) {
	return create(StringStringEntryProtoSchema, { key, value });
}

function valueInfo(
	name: string,
	elemType: TensorProto_DataType,
	dims: (number | string)[]
): ValueInfoProto {
	return create(ValueInfoProtoSchema, {
		name,
		type: create(TypeProtoSchema, {
			value: {
				case: 'tensorType',
				value: create(TypeProto_TensorSchema, {
					elemType,
					shape: create(TensorShapeProtoSchema, {
						dim: dims.map((dim) =>
							create(TensorShapeProto_DimensionSchema, {
								value:
									typeof dim === 'number'
										? { case: 'dimValue', value: BigInt(dim) }
										: { case: 'dimParam', value: dim }
							})
						)
					})
				})
			}
		})
	});
}

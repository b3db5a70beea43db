/**
 * A small ONNX graph writer: collects initializers and nodes with readable unique names, then produces the
 * message `encodeModel` serialises. It knows about one thing beyond plain bookkeeping: the compute precision,
 * so that weights stored in one precision are cast to the precision the graph computes in.
 */
import { toFloat16Array } from '../../src/core/onnx/float16.js';
import {
  OnnxAttributeType,
  OnnxDataType,
  type AttributeMessage,
  type DimMessage,
  type GraphMessage,
  type NodeMessage,
  type OnnxDataTypeCode,
  type TensorMessage,
  type ValueInfoMessage,
} from './onnx-proto.js';

export type FloatPrecision = 'float32' | 'float16';

export const dataTypeOf = (precision: FloatPrecision): OnnxDataTypeCode =>
  precision === 'float32' ? OnnxDataType.FLOAT : OnnxDataType.FLOAT16;

export const attr = {
  int: (name: string, i: number): AttributeMessage => ({ name, type: OnnxAttributeType.INT, i }),
  ints: (name: string, ints: number[]): AttributeMessage => ({ name, type: OnnxAttributeType.INTS, ints }),
  float: (name: string, f: number): AttributeMessage => ({ name, type: OnnxAttributeType.FLOAT, f }),
};

export function tensorValueInfo(name: string, elementType: FloatPrecision | 'int64', dims: (number | string)[]): ValueInfoMessage {
  const dim: DimMessage[] = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  const elem_type = elementType === 'int64' ? OnnxDataType.INT64 : dataTypeOf(elementType);
  return { name, type: { tensor_type: { elem_type, shape: { dim } } } };
}

const bytesOf = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

export class GraphBuilder {
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly usedNames = new Set<string>();

  /** @param computePrecision the float type every op of the graph works in. */
  constructor(readonly computePrecision: FloatPrecision) {}

  /**
   * Adds a float weight stored in `storage` precision and returns a tensor name in the compute precision
   * (through a Cast node when the two differ; onnxruntime folds such casts of constants at load time).
   */
  weight(name: string, dims: number[], values: Float32Array, storage: FloatPrecision = this.computePrecision): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`Weight ${name}: ${values.length} values for dims [${dims.join(',')}]`);
    const storedName = this.unique(name);
    const raw = storage === 'float32' ? bytesOf(values) : bytesOf(toFloat16Array(values));
    this.initializers.push({ name: storedName, dims, data_type: dataTypeOf(storage), raw_data: raw });
    if (storage === this.computePrecision) return storedName;
    return this.node('Cast', [storedName], [attr.int('to', dataTypeOf(this.computePrecision))], `${name}/cast`);
  }

  /** A scalar (dims []) or vector constant in the compute precision. */
  constant(name: string, values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    return this.weight(name, dims, Float32Array.from(values));
  }

  int64(name: string, values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    const storedName = this.unique(name);
    const raw = bytesOf(BigInt64Array.from(values, (v) => BigInt(v)));
    this.initializers.push({ name: storedName, dims, data_type: OnnxDataType.INT64, raw_data: raw });
    return storedName;
  }

  /** Adds a single-output node and returns its output name (`outputName` when given, else derived from `name`). */
  node(opType: string, inputs: string[], attributes: AttributeMessage[], name: string, outputName?: string): string {
    if (outputName !== undefined) this.reserve(outputName);
    const nodeName = this.unique(name);
    const output = outputName ?? nodeName;
    this.nodes.push({ name: nodeName, op_type: opType, input: inputs, output: [output], attribute: attributes });
    return output;
  }

  toGraph(name: string, inputs: ValueInfoMessage[], outputs: ValueInfoMessage[], docString?: string): GraphMessage {
    return {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: inputs,
      output: outputs,
      ...(docString === undefined ? {} : { doc_string: docString }),
    };
  }

  private unique(base: string): string {
    let candidate = base;
    for (let n = 1; this.usedNames.has(candidate); n++) candidate = `${base}_${n}`;
    this.usedNames.add(candidate);
    return candidate;
  }

  /** Claims a name that is not produced by a node, such as a graph input. */
  reserve(name: string): void {
    if (this.usedNames.has(name)) throw new Error(`Tensor name ${name} is already used`);
    this.usedNames.add(name);
  }
}

/**
 * Writing ONNX graphs by hand (onnx-proto): initializers, nodes, attributes and the model
 * envelope, shared by the converters of tfjs graph models (tfjs-to-onnx.ts) and Keras layers
 * models (keras-to-onnx.ts), and by tests that generate tiny models.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const FLOAT = 1;
export const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

export type OnnxAttr = { name: string; type: number; f?: number; i?: number; s?: Uint8Array; ints?: number[] };

export const ints = (name: string, values: number[]): OnnxAttr => ({ name, type: ATTR_INTS, ints: values });
export const int = (name: string, value: number): OnnxAttr => ({ name, type: ATTR_INT, i: value });
export const float = (name: string, value: number): OnnxAttr => ({ name, type: ATTR_FLOAT, f: value });
export const str = (name: string, value: string): OnnxAttr => ({ name, type: ATTR_STRING, s: Buffer.from(value) });

/** A graph under construction: nodes in topological order and the weights they read. */
export class OnnxGraphBuilder {
  readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  readonly initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  private counter = 0;

  /** Adds a constant tensor; returns its name. */
  initializer(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: data instanceof Float32Array ? FLOAT : INT64, rawData: bytes }));
    return name;
  }

  /** Adds one node with one output; returns the output's name. */
  node(opType: string, inputs: string[], output: string, attribute: OnnxAttr[] = []): string {
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [output], name: `${opType}_${this.counter++}`, attribute }));
    return output;
  }

  /** Serialises the graph as an ONNX model (opset 13) with one float input and the given float outputs. */
  encode(opts: {
    inputs: { name: string; dims: (number | string)[] }[];
    outputs: { name: string; dims: (number | string)[] }[];
    producerVersion: string;
    inputType?: number;
  }): Uint8Array {
    const graph = onnx.GraphProto.create({
      name: 'marquee-converted',
      node: this.nodes,
      initializer: this.initializers,
      input: opts.inputs.map((i) => valueInfo(i.name, i.dims, opts.inputType ?? FLOAT)),
      output: opts.outputs.map((o) => valueInfo(o.name, o.dims, FLOAT)),
    });
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: 'marquee',
      producerVersion: opts.producerVersion,
      opsetImport: [{ domain: '', version: 13 }],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dims: (number | string)[], elemType: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

/** TF conv filter [kh, kw, cin, cout] -> ONNX [cout, cin, kh, kw]. */
export function convFilterToOnnx(shape: number[], data: Float32Array): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++)
        for (let o = 0; o < cout; o++) out[((o * cin + c) * kh + i) * kw + j] = data[((i * kw + j) * cin + c) * cout + o]!;
  return { dims: [cout, cin, kh, kw], data: out };
}

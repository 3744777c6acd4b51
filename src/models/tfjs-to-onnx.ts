/**
 * Converts a (fused, frozen) tfjs graph model into an ONNX model, for the ops a
 * MobileNet-style backbone uses. Activations are kept NCHW inside the ONNX graph;
 * the ONNX input is NCHW float32, the output is the requested node's tensor.
 *
 * Supported ops: Placeholder, Const (weights), Mul, Sub, AddV2/Add, _FusedConv2D,
 * FusedDepthwiseConv2dNative (fused BiasAdd / Relu / Relu6), AvgPool, Squeeze, Identity.
 */
import { convFilterToOnnx, int, ints, OnnxGraphBuilder, str, type OnnxAttr } from './onnx-builder.js';
import type { TfjsAttrValue, TfjsGraphArtifacts, TfjsGraphNode } from './tfjs-graph-source.js';
import { decodeWeights } from './tfjs-graph-source.js';

export interface ConvertOptions {
  /** Name of the tfjs node whose output becomes the ONNX output. */
  outputNode: string;
  /** Spatial size of the (square) input image. */
  inputSize: number;
  producerVersion: string;
}

function attrString(v: TfjsAttrValue | undefined): string | undefined {
  return v?.s === undefined ? undefined : Buffer.from(v.s, 'base64').toString('utf8');
}

function attrStringList(v: TfjsAttrValue | undefined): string[] {
  return (v?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

function attrIntList(v: TfjsAttrValue | undefined): number[] {
  return (v?.list?.i ?? []).map((s) => Number(s));
}

/** TF depthwise filter [kh, kw, cin, mult] -> ONNX grouped conv [cin*mult, 1, kh, kw]. */
function depthwiseFilterToOnnx(shape: number[], data: Float32Array): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, mult] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < cin; c++)
        for (let m = 0; m < mult; m++) out[((c * mult + m) * kh + i) * kw + j] = data[((i * kw + j) * cin + c) * mult + m]!;
  return { dims: [cin * mult, 1, kh, kw], data: out };
}

function requiredNodes(nodes: Map<string, TfjsGraphNode>, target: string): TfjsGraphNode[] {
  const order: TfjsGraphNode[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const clean = name.replace(/^\^/, '').replace(/:\d+$/, '');
    if (seen.has(clean)) return;
    seen.add(clean);
    const node = nodes.get(clean);
    if (!node) throw new Error(`graph has no node ${clean}`);
    for (const input of node.input ?? []) visit(input);
    order.push(node);
  };
  visit(target);
  return order;
}

/** Converts the tfjs graph to serialized ONNX bytes. */
export function convertTfjsGraphToOnnx(artifacts: TfjsGraphArtifacts, options: ConvertOptions): Uint8Array {
  const weights = decodeWeights(artifacts);
  const byName = new Map(artifacts.json.modelTopology.node.map((n) => [n.name, n]));
  const order = requiredNodes(byName, options.outputNode);
  const b = new OnnxGraphBuilder();
  const tensorOf = new Map<string, string>();
  const clipMin = b.initializer('clip_min', [], new Float32Array([0]));
  const clipMax = b.initializer('clip_max', [], new Float32Array([6]));
  let inputName = '';

  const weight = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight ${name} is missing from the weight manifest`);
    return w;
  };
  const operand = (name: string): string => {
    const existing = tensorOf.get(name);
    if (existing) return existing;
    const w = weight(name);
    return b.initializer(name, w.shape, w.data);
  };
  const applyFused = (node: TfjsGraphNode, convOut: string): string => {
    const ops = attrStringList(node.attr?.fused_ops);
    let out = convOut;
    for (const op of ops) {
      if (op === 'BiasAdd') continue; // folded into the Conv bias
      if (op === 'Relu6') out = b.node('Clip', [out, clipMin, clipMax], `${node.name}/relu6`);
      else if (op === 'Relu') out = b.node('Relu', [out], `${node.name}/relu`);
      else throw new Error(`${node.name}: fused op ${op} is not supported`);
    }
    if (!ops.includes('BiasAdd')) throw new Error(`${node.name}: fused conv without BiasAdd is not supported`);
    return out;
  };
  const convAttrs = (node: TfjsGraphNode, kh: number, kw: number, group: number): OnnxAttr[] => {
    const format = attrString(node.attr?.data_format) ?? 'NHWC';
    if (format !== 'NHWC') throw new Error(`${node.name}: data format ${format} is not supported`);
    const strides = attrIntList(node.attr?.strides);
    const dil = attrIntList(node.attr?.dilations);
    const padding = attrString(node.attr?.padding);
    const attrs: OnnxAttr[] = [
      ints('kernel_shape', [kh, kw]),
      ints('strides', [strides[1] ?? 1, strides[2] ?? 1]),
      ints('dilations', [dil[1] ?? 1, dil[2] ?? 1]),
      int('group', group),
    ];
    if (padding === 'SAME') attrs.push(str('auto_pad', 'SAME_UPPER'));
    else if (padding === 'VALID') attrs.push(str('auto_pad', 'VALID'));
    else throw new Error(`${node.name}: padding ${padding} is not supported`);
    return attrs;
  };

  for (const node of order) {
    const inputs = node.input ?? [];
    switch (node.op) {
      case 'Const':
        break; // materialised lazily as initializers by operand()
      case 'Placeholder':
        inputName = 'pixels';
        tensorOf.set(node.name, inputName);
        break;
      case 'Mul':
      case 'Sub':
      case 'AddV2':
      case 'Add': {
        const op = node.op === 'Mul' ? 'Mul' : node.op === 'Sub' ? 'Sub' : 'Add';
        const [a, c] = inputs as [string, string];
        for (const x of [a, c]) {
          const w = tensorOf.has(x) ? undefined : weights.get(x);
          if (w && w.data.length !== 1) throw new Error(`${node.name}: non-scalar constant operand is not supported`);
        }
        tensorOf.set(node.name, b.node(op, [operand(a), operand(c)], node.name));
        break;
      }
      case '_FusedConv2D': {
        const w = weight(inputs[1]!);
        const f = convFilterToOnnx(w.shape, w.data);
        const filter = b.initializer(`${inputs[1]}/oihw`, f.dims, f.data);
        const conv = b.node('Conv', [operand(inputs[0]!), filter, operand(inputs[2]!)], `${node.name}/conv`, convAttrs(node, w.shape[0]!, w.shape[1]!, 1));
        tensorOf.set(node.name, applyFused(node, conv));
        break;
      }
      case 'FusedDepthwiseConv2dNative': {
        const w = weight(inputs[1]!);
        const f = depthwiseFilterToOnnx(w.shape, w.data);
        const filter = b.initializer(`${inputs[1]}/oihw`, f.dims, f.data);
        const conv = b.node('Conv', [operand(inputs[0]!), filter, operand(inputs[2]!)], `${node.name}/conv`, convAttrs(node, w.shape[0]!, w.shape[1]!, w.shape[2]!));
        tensorOf.set(node.name, applyFused(node, conv));
        break;
      }
      case 'AvgPool': {
        const k = attrIntList(node.attr?.ksize);
        const s = attrIntList(node.attr?.strides);
        const padding = attrString(node.attr?.padding);
        if (padding !== 'VALID') throw new Error(`${node.name}: AvgPool padding ${padding} is not supported`);
        tensorOf.set(
          node.name,
          b.node('AveragePool', [operand(inputs[0]!)], node.name, [ints('kernel_shape', [k[1]!, k[2]!]), ints('strides', [s[1]!, s[2]!])]),
        );
        break;
      }
      case 'Squeeze': {
        const dims = attrIntList(node.attr?.squeeze_dims);
        const nhwcToNchw = [0, 2, 3, 1];
        const axes = b.initializer(`${node.name}/axes`, [dims.length], BigInt64Array.from(dims.map((d) => BigInt(nhwcToNchw[d]!))));
        tensorOf.set(node.name, b.node('Squeeze', [operand(inputs[0]!), axes], node.name));
        break;
      }
      case 'Identity':
        tensorOf.set(node.name, b.node('Identity', [operand(inputs[0]!)], node.name));
        break;
      default:
        throw new Error(`${node.name}: op ${node.op} is not supported by the converter`);
    }
  }
  if (!inputName) throw new Error('graph has no Placeholder input on the path to the output');
  const output = tensorOf.get(options.outputNode)!;
  const finalName = b.node('Identity', [output], 'embedding');
  return b.encode({
    inputs: [{ name: inputName, dims: ['batch', 3, options.inputSize, options.inputSize] }],
    outputs: [{ name: finalName, dims: ['batch', 'features'] }],
    producerVersion: options.producerVersion,
  });
}

/**
 * Converts a Keras functional model saved in tfjs layers format (as nsfwjs ships InceptionV3)
 * into an ONNX graph up to a named layer, for the layers an Inception-style backbone uses.
 * Activations are NCHW inside the graph; the input is NCHW float32.
 *
 * Supported layers: InputLayer, Conv2D (+ activation), BatchNormalization (folded into the
 * preceding Conv2D when it feeds only that, else a BatchNormalization node), Activation
 * (relu, linear), MaxPooling2D, AveragePooling2D ('same' excludes padding from the mean, as
 * TensorFlow does: ONNX count_include_pad = 0), Concatenate (channels axis), Flatten.
 */
import { convFilterToOnnx, float, int, ints, OnnxGraphBuilder, str, type OnnxAttr } from './onnx-builder.js';
import { decodeWeights, type TfjsGraphArtifacts } from './tfjs-graph-source.js';

interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

/** The layers-format topology (model.json of tf.LayersModel). */
export interface KerasModelTopology {
  model_config: { class_name: string; config: { layers: KerasLayer[]; input_layers: [string, number, number][] } };
}

export interface KerasConvertOptions {
  /** Name of the layer whose output becomes the ONNX output. */
  outputLayer: string;
  /** Spatial size of the (square) input image. */
  inputSize: number;
  producerVersion: string;
}

const pair = (v: unknown, name: string, layer: string): [number, number] => {
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`layer ${layer}: ${name} must be two numbers`);
  return [Number(v[0]), Number(v[1])];
};

function padAttr(layer: KerasLayer): OnnxAttr {
  const padding = layer.config.padding;
  if (padding === 'same') return str('auto_pad', 'SAME_UPPER'); // TensorFlow puts the odd pixel after
  if (padding === 'valid') return str('auto_pad', 'VALID');
  throw new Error(`layer ${layer.name}: padding ${String(padding)} is not supported`);
}

/** Layers on the path to `target`, inputs before the layers reading them. */
function requiredLayers(byName: Map<string, KerasLayer>, target: string): KerasLayer[] {
  const order: KerasLayer[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const layer = byName.get(name);
    if (!layer) throw new Error(`model has no layer ${name}`);
    if (layer.inbound_nodes.length > 1) throw new Error(`layer ${name} is shared (called ${layer.inbound_nodes.length} times): not supported`);
    for (const [input] of layer.inbound_nodes[0] ?? []) visit(input);
    order.push(layer);
  };
  visit(target);
  return order;
}

export function convertKerasToOnnx(topology: KerasModelTopology, artifacts: Pick<TfjsGraphArtifacts, 'weightSpecs' | 'weightData'>, options: KerasConvertOptions): Uint8Array {
  const weights = decodeWeights(artifacts);
  const layers = topology.model_config.config.layers;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const order = requiredLayers(byName, options.outputLayer);
  const readers = new Map<string, number>();
  for (const l of order) for (const [input] of l.inbound_nodes[0] ?? []) readers.set(input, (readers.get(input) ?? 0) + 1);
  const weight = (layer: string, name: string): { shape: number[]; data: Float32Array } | undefined => weights.get(`${layer}/${name}`);
  const required = (layer: string, name: string) => {
    const w = weight(layer, name);
    if (!w) throw new Error(`weight ${layer}/${name} is missing from the weight manifest`);
    return w;
  };

  const b = new OnnxGraphBuilder();
  const tensorOf = new Map<string, string>();
  /** Conv2D layers whose output is only read by a BatchNormalization, kept open for folding. */
  const pendingConv = new Map<string, { filter: Float32Array; dims: number[]; bias: Float32Array; input: string; attrs: OnnxAttr[]; activation: string }>();
  const inputs = (l: KerasLayer): string[] =>
    (l.inbound_nodes[0] ?? []).map(([name]) => {
      const t = tensorOf.get(name);
      if (!t) throw new Error(`layer ${l.name}: input ${name} was not converted`);
      return t;
    });
  const activate = (name: string, x: string, activation: unknown): string => {
    if (activation === undefined || activation === 'linear') return x;
    if (activation === 'relu') return b.node('Relu', [x], `${name}/relu`);
    throw new Error(`layer ${name}: activation ${String(activation)} is not supported`);
  };
  const emitConv = (name: string, c: { filter: Float32Array; dims: number[]; bias: Float32Array; input: string; attrs: OnnxAttr[]; activation: string }): string => {
    const filter = b.initializer(`${name}/oihw`, c.dims, c.filter);
    const bias = b.initializer(`${name}/bias`, [c.bias.length], c.bias);
    return activate(name, b.node('Conv', [c.input, filter, bias], `${name}/conv`, c.attrs), c.activation);
  };
  let inputName = '';

  for (const l of order) {
    switch (l.class_name) {
      case 'InputLayer':
        inputName = 'pixels';
        tensorOf.set(l.name, inputName);
        break;
      case 'Conv2D': {
        if (l.config.data_format !== undefined && l.config.data_format !== 'channels_last') throw new Error(`layer ${l.name}: data_format ${String(l.config.data_format)} is not supported`);
        const kernel = required(l.name, 'kernel');
        const f = convFilterToOnnx(kernel.shape, kernel.data);
        const bias = l.config.use_bias === false ? new Float32Array(f.dims[0]!) : required(l.name, 'bias').data;
        const [sh, sw] = pair(l.config.strides ?? [1, 1], 'strides', l.name);
        const [dh, dw] = pair(l.config.dilation_rate ?? [1, 1], 'dilation_rate', l.name);
        const attrs = [ints('kernel_shape', [kernel.shape[0]!, kernel.shape[1]!]), ints('strides', [sh, sw]), ints('dilations', [dh, dw]), int('group', 1), padAttr(l)];
        const conv = { filter: f.data, dims: f.dims, bias: Float32Array.from(bias), input: inputs(l)[0]!, attrs, activation: String(l.config.activation ?? 'linear') };
        const reader = order.find((r) => (r.inbound_nodes[0] ?? []).some(([n]) => n === l.name));
        if (conv.activation === 'linear' && readers.get(l.name) === 1 && reader?.class_name === 'BatchNormalization') pendingConv.set(l.name, conv);
        else tensorOf.set(l.name, emitConv(l.name, conv));
        break;
      }
      case 'BatchNormalization': {
        const axis = Number(l.config.axis ?? -1);
        if (axis !== 3 && axis !== -1) throw new Error(`layer ${l.name}: batch normalisation over axis ${axis} is not supported`);
        const eps = Number(l.config.epsilon ?? 1e-3);
        const mean = required(l.name, 'moving_mean').data;
        const variance = required(l.name, 'moving_variance').data;
        const gamma = l.config.scale === false ? new Float32Array(mean.length).fill(1) : required(l.name, 'gamma').data;
        const beta = l.config.center === false ? new Float32Array(mean.length) : required(l.name, 'beta').data;
        const [source] = l.inbound_nodes[0]!.map(([n]) => n);
        const conv = pendingConv.get(source!);
        if (conv) {
          // y = (conv(x) + b − µ) · γ/√(σ²+ε) + β, folded into the filter and bias per output channel.
          const per = conv.filter.length / mean.length;
          for (let o = 0; o < mean.length; o++) {
            const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
            for (let i = 0; i < per; i++) conv.filter[o * per + i]! *= s;
            conv.bias[o] = (conv.bias[o]! - mean[o]!) * s + beta[o]!;
          }
          tensorOf.set(l.name, emitConv(l.name, conv));
        } else {
          const n = mean.length;
          const t = (k: string, d: Float32Array) => b.initializer(`${l.name}/${k}`, [n], Float32Array.from(d));
          tensorOf.set(l.name, b.node('BatchNormalization', [inputs(l)[0]!, t('gamma', gamma), t('beta', beta), t('mean', mean), t('var', variance)], l.name, [float('epsilon', eps)]));
        }
        break;
      }
      case 'Activation':
        tensorOf.set(l.name, activate(l.name, inputs(l)[0]!, l.config.activation));
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const k = pair(l.config.pool_size, 'pool_size', l.name);
        const s = pair(l.config.strides ?? l.config.pool_size, 'strides', l.name);
        const op = l.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
        tensorOf.set(l.name, b.node(op, [inputs(l)[0]!], l.name, [ints('kernel_shape', k), ints('strides', s), padAttr(l)]));
        break;
      }
      case 'Concatenate': {
        const axis = Number(l.config.axis ?? -1);
        if (axis !== 3 && axis !== -1) throw new Error(`layer ${l.name}: concatenation over axis ${axis} is not supported`);
        tensorOf.set(l.name, b.node('Concat', inputs(l), l.name, [int('axis', 1)]));
        break;
      }
      case 'Flatten':
        // NCHW and NHWC flatten alike only when the spatial size is 1×1 (after a global pool).
        tensorOf.set(l.name, b.node('Flatten', [inputs(l)[0]!], l.name, [int('axis', 1)]));
        break;
      default:
        throw new Error(`layer ${l.name}: ${l.class_name} is not supported by the converter`);
    }
  }
  if (!inputName) throw new Error('model has no InputLayer on the path to the output');
  const output = b.node('Identity', [tensorOf.get(options.outputLayer)!], 'embedding');
  return b.encode({
    inputs: [{ name: inputName, dims: ['batch', 3, options.inputSize, options.inputSize] }],
    outputs: [{ name: output, dims: ['batch', 'features'] }],
    producerVersion: options.producerVersion,
  });
}

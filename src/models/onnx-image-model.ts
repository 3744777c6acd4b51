/** Runs any ONNX image backbone on CPU with onnxruntime-node. */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../image/decode.js';
import { optimizedSession } from './optimized-session.js';
import { packBatch } from './pixels-to-tensor.js';
import { l2normalize, type ImageEmbeddingModel, type ImagePreprocessing } from './types.js';
import type { Metric } from '../util/metric.js';

export interface OnnxImageModelOptions {
  id: string;
  version: string;
  dimension: number;
  preprocessing: ImagePreprocessing;
  /** Default cosine. */
  metric?: Metric;
  /** Default true: vectors are scaled to unit length. */
  normalize?: boolean;
  /** Path to the .onnx file or its bytes. */
  weights: string | Uint8Array;
  inputName?: string;
  outputName?: string;
  threads?: number;
  /** Largest batch run at once; bigger requests are split. */
  maxBatch?: number;
}

export class OnnxImageModel implements ImageEmbeddingModel {
  readonly modality = 'image' as const;
  readonly id: string;
  readonly version: string;
  readonly dimension: number;
  readonly preprocessing: ImagePreprocessing;
  readonly metric: Metric;
  readonly normalize: boolean;
  private readonly maxBatch: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    opts: OnnxImageModelOptions,
  ) {
    this.id = opts.id;
    this.version = opts.version;
    this.dimension = opts.dimension;
    this.preprocessing = opts.preprocessing;
    this.metric = opts.metric ?? 'cosine';
    this.normalize = opts.normalize ?? true;
    this.maxBatch = opts.maxBatch ?? 8;
  }

  static async load(opts: OnnxImageModelOptions): Promise<OnnxImageModel> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads ?? availableParallelism(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
    };
    // A file starts from its cached optimised graph (optimized-session.ts); bytes are optimised here.
    const session =
      typeof opts.weights === 'string'
        ? await optimizedSession(opts.weights, sessionOptions)
        : await ort.InferenceSession.create(opts.weights, { ...sessionOptions, graphOptimizationLevel: 'all' });
    const inputName = opts.inputName ?? session.inputNames[0];
    const outputName = opts.outputName ?? session.outputNames[0];
    if (!inputName || !outputName) throw new Error(`model ${opts.id}: ONNX graph has no input or output`);
    return new OnnxImageModel(session, inputName, outputName, opts);
  }

  async embedBatch(images: RgbImage[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < images.length; i += this.maxBatch) {
      const chunk = images.slice(i, i + this.maxBatch);
      const { width, height, layout } = this.preprocessing;
      const dims = layout === 'nchw' ? [chunk.length, 3, height, width] : [chunk.length, height, width, 3];
      const input = new ort.Tensor('float32', packBatch(chunk, this.preprocessing), dims);
      const result = await this.session.run({ [this.inputName]: input });
      const tensor = result[this.outputName];
      if (!tensor) throw new Error(`model ${this.id}: output ${this.outputName} missing`);
      const data = tensor.data as Float32Array;
      const dim = data.length / chunk.length;
      if (dim !== this.dimension) throw new Error(`model ${this.id}: produced ${dim}-d vectors, manifest says ${this.dimension}`);
      for (let b = 0; b < chunk.length; b++) {
        const v = data.slice(b * dim, (b + 1) * dim);
        out.push(this.normalize ? l2normalize(v) : v);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

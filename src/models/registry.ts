/** Resolves model names (built-in ids or manifest paths) to loaded models. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MarqueeError } from '../util/errors.js';
import { readImageModelManifest } from './manifest.js';
import { ensureMobilenetOnnx, MOBILENET_ID, MOBILENET_PREPROCESSING, mobilenetVersion } from './mobilenet-v2.js';
import { OnnxImageModel } from './onnx-image-model.js';
import { PooledTextModel } from './pooled-text-model.js';
import { UseTextModel } from './use-text-model.js';
import type { ImageEmbeddingModel, TextEmbeddingModel } from './types.js';

export const DEFAULT_IMAGE_MODEL = MOBILENET_ID;

/** Where converted models are cached: MARQUEE_CACHE, else $XDG_CACHE_HOME/marquee, else ~/.cache/marquee. */
export function modelCacheDir(): string {
  if (process.env.MARQUEE_CACHE) return process.env.MARQUEE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'marquee');
}

/** Throws the "unknown image model" error before anything is opened or created for a spec that cannot load. */
export function checkImageModelSpec(spec: string): void {
  if (spec === MOBILENET_ID) return;
  if (spec.endsWith('.json') && existsSync(spec)) return;
  throw new MarqueeError('unknown_model', `unknown image model "${spec}": use "${MOBILENET_ID}" or the path of a model manifest .json file`);
}

/** `spec` is a built-in model id or a path to a manifest JSON file. */
export async function loadImageModel(spec: string = DEFAULT_IMAGE_MODEL, opts: { threads?: number } = {}): Promise<ImageEmbeddingModel> {
  if (spec === MOBILENET_ID) {
    return OnnxImageModel.load({
      id: MOBILENET_ID,
      version: mobilenetVersion(),
      dimension: 1792,
      preprocessing: MOBILENET_PREPROCESSING,
      weights: ensureMobilenetOnnx(modelCacheDir()),
      threads: opts.threads,
    });
  }
  if (spec.endsWith('.json') && existsSync(spec)) {
    const m = readImageModelManifest(spec);
    const { name, ...preprocessing } = m.input;
    return OnnxImageModel.load({
      id: m.id,
      version: m.version,
      dimension: m.dimension,
      preprocessing,
      weights: m.weights,
      inputName: name,
      outputName: m.output,
      threads: opts.threads,
    });
  }
  checkImageModelSpec(spec);
  throw new MarqueeError('unknown_model', `unknown image model "${spec}"`);
}

/** In-process for queries (fast start); `workers` > 0 runs it in a worker pool, for indexing. */
export async function loadTextModel(opts: { workers?: number } = {}): Promise<TextEmbeddingModel> {
  return opts.workers ? PooledTextModel.load(opts.workers) : UseTextModel.load();
}

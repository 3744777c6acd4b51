/**
 * Manifest files let users add other ONNX image models (ResNet-50, VGG16, a CLIP image
 * tower...) without code changes: a JSON file naming the weights and preprocessing.
 *
 * {
 *   "id": "resnet50-imagenet", "version": "1", "dimension": 2048,
 *   "weights": "./resnet50.onnx",            // relative to the manifest
 *   "input": { "name": "data", "width": 224, "height": 224, "layout": "nchw",
 *              "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225] },
 *   "output": "resnetv17_pool1_fwd",         // optional; default: first output
 *   "metric": "l2",                          // optional: cosine (default), l2 or dot
 *   "normalize": false                       // optional; default true (unit vectors)
 * }
 *
 * `metric` is how the model's makers rank its vectors (cosine for CLIP, Euclidean for the
 * ImageNet CNNs in most retrieval papers); `normalize: false` keeps the raw feature lengths,
 * which only matters for l2 and dot (cosine ignores length).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ImagePreprocessing } from './types.js';
import { isMetric, METRICS, type Metric } from '../util/metric.js';

export interface ImageModelManifest {
  id: string;
  version: string;
  dimension: number;
  weights: string;
  input: ImagePreprocessing & { name?: string };
  output?: string;
  metric: Metric;
  normalize: boolean;
}

function fail(file: string, problem: string): never {
  throw new Error(`model manifest ${file}: ${problem}`);
}

function triple(file: string, v: unknown, field: string): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    fail(file, `${field} must be an array of 3 numbers`);
  return [v[0], v[1], v[2]];
}

export function readImageModelManifest(file: string): ImageModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(file, `cannot read JSON (${(err as Error).message})`);
  }
  const m = raw as Record<string, unknown>;
  if (typeof m.id !== 'string' || !/^[\w.@-]+$/.test(m.id)) fail(file, 'id must be a non-empty string of letters, digits, ._@-');
  if (typeof m.version !== 'string' || !m.version) fail(file, 'version must be a non-empty string');
  if (typeof m.dimension !== 'number' || !Number.isInteger(m.dimension) || m.dimension < 1) fail(file, 'dimension must be a positive integer');
  if (typeof m.weights !== 'string') fail(file, 'weights must be a path to an .onnx file');
  const weights = resolve(dirname(file), m.weights);
  if (!existsSync(weights)) fail(file, `weights file ${weights} does not exist`);
  const input = m.input as Record<string, unknown> | undefined;
  if (!input || typeof input !== 'object') fail(file, 'input is missing');
  const width = input.width;
  const height = input.height;
  if (typeof width !== 'number' || typeof height !== 'number' || width < 8 || height < 8) fail(file, 'input.width/height must be numbers >= 8');
  if (input.layout !== 'nchw' && input.layout !== 'nhwc') fail(file, 'input.layout must be "nchw" or "nhwc"');
  if (m.output !== undefined && typeof m.output !== 'string') fail(file, 'output must be a string');
  if (m.metric !== undefined && !isMetric(m.metric)) fail(file, `metric must be one of ${METRICS.join(', ')} (not ${JSON.stringify(m.metric)})`);
  if (m.normalize !== undefined && typeof m.normalize !== 'boolean') fail(file, 'normalize must be true or false');
  return {
    id: m.id,
    version: m.version,
    dimension: m.dimension,
    weights,
    input: {
      name: typeof input.name === 'string' ? input.name : undefined,
      width,
      height,
      layout: input.layout,
      mean: triple(file, input.mean ?? [0, 0, 0], 'input.mean'),
      std: triple(file, input.std ?? [1, 1, 1], 'input.std'),
    },
    output: m.output as string | undefined,
    metric: (m.metric as Metric | undefined) ?? 'cosine',
    normalize: (m.normalize as boolean | undefined) ?? true,
  };
}

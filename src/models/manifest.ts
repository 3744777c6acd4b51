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
 * A dual encoder (CLIP, SigLIP, open_clip) adds its text tower; its vectors live in the image
 * tower's space, so text finds posters by what they show:
 *
 *   "text": { "weights": "./textual.onnx", "dimension": 512, "contextLength": 77,
 *             "tokenizer": { "vocab": "./vocab.json", "merges": "./merges.txt" },
 *                         // or { "json": "./tokenizer.json" } or { "bpe": "./bpe_simple_vocab_16e6.txt.gz" }
 *             "input": "input_ids", "inputType": "int64", "attentionMask": "attention_mask",
 *             "output": "text_embeds", "padId": 0 },
 *   "logitScale": 100
 *
 * `metric` is how the model's makers rank its vectors (cosine for CLIP, Euclidean for the
 * ImageNet CNNs in most retrieval papers); `normalize: false` keeps the raw feature lengths,
 * which only matters for l2 and dot (cosine ignores length).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ImagePreprocessing } from './types.js';
import { isMetric, METRICS, type Metric } from '../util/metric.js';

/** Where a dual encoder's tokenizer vocabulary comes from (paths resolved against the manifest). */
export type TokenizerSource = { vocab: string; merges: string } | { json: string } | { bpe: string };

export interface TextTowerManifest {
  weights: string;
  dimension: number;
  contextLength: number;
  tokenizer: TokenizerSource;
  input?: string;
  inputType: 'int64' | 'int32';
  attentionMask?: string;
  output?: string;
  padId: number;
}

export interface ImageModelManifest {
  id: string;
  version: string;
  dimension: number;
  weights: string;
  input: ImagePreprocessing & { name?: string };
  output?: string;
  metric: Metric;
  normalize: boolean;
  /** The text tower of a dual encoder. */
  text?: TextTowerManifest;
  /** CLIP's learned temperature (exp of logit_scale, ~100): turns cosines into prompt probabilities. */
  logitScale?: number;
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
  const text = m.text === undefined ? undefined : readTextTower(file, m.text, m.dimension);
  if (m.logitScale !== undefined && !(typeof m.logitScale === 'number' && m.logitScale > 0)) fail(file, 'logitScale must be a positive number');
  if (text && (m.metric ?? 'cosine') !== 'cosine') fail(file, 'a dual encoder (with a text tower) is compared by cosine: drop "metric" or set it to "cosine"');
  return {
    id: m.id,
    version: m.version,
    dimension: m.dimension,
    weights,
    text,
    logitScale: m.logitScale as number | undefined,
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

function existing(file: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || !value) fail(file, `${field} must be a path`);
  const path = resolve(dirname(file), value);
  if (!existsSync(path)) fail(file, `${field} file ${path} does not exist`);
  return path;
}

function readTextTower(file: string, raw: unknown, imageDimension: number): TextTowerManifest {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, 'text must be an object describing the text tower');
  const t = raw as Record<string, unknown>;
  const weights = existing(file, 'text.weights', t.weights);
  if (typeof t.dimension !== 'number' || !Number.isInteger(t.dimension) || t.dimension < 1) fail(file, 'text.dimension must be a positive integer');
  if (t.dimension !== imageDimension)
    fail(file, `the text tower's dimension (${t.dimension}) differs from the image tower's (${imageDimension}): both must embed into one space`);
  const contextLength = t.contextLength ?? 77;
  if (typeof contextLength !== 'number' || !Number.isInteger(contextLength) || contextLength < 3 || contextLength > 4096) fail(file, 'text.contextLength must be an integer from 3 to 4096');
  const tok = t.tokenizer as Record<string, unknown> | undefined;
  if (!tok || typeof tok !== 'object') fail(file, 'text.tokenizer is missing: { "vocab", "merges" }, { "json" } or { "bpe" }');
  let tokenizer: TokenizerSource;
  if (tok.json !== undefined) tokenizer = { json: existing(file, 'text.tokenizer.json', tok.json) };
  else if (tok.bpe !== undefined) tokenizer = { bpe: existing(file, 'text.tokenizer.bpe', tok.bpe) };
  else if (tok.vocab !== undefined || tok.merges !== undefined) tokenizer = { vocab: existing(file, 'text.tokenizer.vocab', tok.vocab), merges: existing(file, 'text.tokenizer.merges', tok.merges) };
  else fail(file, 'text.tokenizer must name { "vocab", "merges" }, { "json" } or { "bpe" }');
  const inputType = t.inputType ?? 'int64';
  if (inputType !== 'int64' && inputType !== 'int32') fail(file, 'text.inputType must be "int64" or "int32"');
  for (const k of ['input', 'output', 'attentionMask'] as const) if (t[k] !== undefined && typeof t[k] !== 'string') fail(file, `text.${k} must be a string`);
  const padId = t.padId ?? 0;
  if (typeof padId !== 'number' || !Number.isInteger(padId) || padId < 0) fail(file, 'text.padId must be a token id');
  return {
    weights,
    dimension: t.dimension,
    contextLength,
    tokenizer,
    input: t.input as string | undefined,
    inputType,
    attentionMask: t.attentionMask as string | undefined,
    output: t.output as string | undefined,
    padId,
  };
}

/** Training data for the genre models, read from the library: features per movie and multi-hot labels. */
import { COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL } from '../store/channels.js';
import type { Store } from '../store/store.js';
import type { ModelRef } from '../store/types.js';
import type { Metric } from '../util/metric.js';
import { GENRES, multiHot } from './labels.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import { PRINTED_CHANNEL, printedWordsVector } from '../text/word-features.js';
import { FACE_CUES_CHANNEL } from './face-cues.js';
import { TILE_CHANNELS } from '../models/poster-tiles.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'movies' | 'posterText' | 'vectors'>;

export type FeatureSet = 'poster' | 'poster+synopsis';

/** Channels (in order) whose vectors are concatenated into each feature set. */
export const FEATURE_CHANNELS: Record<FeatureSet, string[]> = {
  poster: [CONTENT_CHANNEL, COLOR_CHANNEL, LAYOUT_CHANNEL],
  'poster+synopsis': [CONTENT_CHANNEL, COLOR_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL],
};

export interface GenreDataset {
  features: FeatureSet;
  ids: string[];
  keys: number[];
  n: number;
  d: number;
  g: number;
  /** n x d features (concatenated unit-norm channel vectors). */
  x: Float32Array;
  /** n x g multi-hot labels. */
  y: Uint8Array;
  /** Offset and length of each channel's block inside a feature row, and how its model compares vectors. */
  blocks: { channel: string; offset: number; length: number; metric: Metric }[];
}

/** The channels of a feature set given the library's models: poster words go with the poster channels when read. */
export function featureChannels(features: FeatureSet, models: Record<string, ModelRef>): string[] {
  const base = FEATURE_CHANNELS[features];
  // The library's other image models' content (`content:<id>`, sorted), then the optional poster cues.
  const otherContent = Object.keys(models).filter((c) => c.startsWith(`${CONTENT_CHANNEL}:`)).sort();
  const tiles = TILE_CHANNELS.filter((c) => models[c]);
  const extra = [PRINTED_CHANNEL, FACE_CUES_CHANNEL].filter((c) => models[c]);
  return [base[0]!, ...otherContent, ...tiles, ...base.slice(1, 3), ...extra, ...base.slice(3)];
}

/** `models`: each feature channel's model; a content model may live on another store channel (`channel`, several image models). */
export async function loadDataset(library: StoreParts, features: FeatureSet, models: Record<string, ModelRef & { channel?: string }>): Promise<GenreDataset> {
  const channels = featureChannels(features, models);
  const byChannel: Map<number, Float32Array>[] = [];
  /** Poster words of a poster not read (or without text), faces not scanned, tiles not embedded yet: zero vectors, such rows still train. */
  const optional = new Set([PRINTED_CHANNEL, FACE_CUES_CHANNEL, ...TILE_CHANNELS]);
  for (const c of channels) {
    const model = models[c];
    if (!model) throw new Error(`the library has no ${c} vectors: index the catalog first`);
    if (c === PRINTED_CHANNEL) byChannel.push(new Map((await library.posterText.all(ocrVersionKey())).map((r) => [r.key, printedWordsVector(r.lines)])));
    else byChannel.push(new Map((await library.vectors.load(model.channel ?? c, model)).map((e) => [e.key, e.vector])));
  }
  const blocks: GenreDataset['blocks'] = [];
  let d = 0;
  channels.forEach((c, i) => {
    blocks.push({ channel: c, offset: d, length: models[c]!.dimension, metric: models[c]!.metric ?? 'cosine' });
    d += models[c]!.dimension;
    void i;
  });
  const rows = (await library.movies.filterRows()).filter((r) => byChannel.every((m, i) => optional.has(channels[i]!) || m.has(r.key)) && multiHot(r.genres).some((v) => v));
  const movies = await library.movies.byKeys(rows.map((r) => r.key));
  const n = rows.length;
  const g = GENRES.length;
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n * g);
  rows.forEach((r, i) => {
    blocks.forEach((b, c) => {
      const v = byChannel[c]!.get(r.key);
      if (v) x.set(v, i * d + b.offset);
    });
    y.set(multiHot(r.genres), i * g);
  });
  return { features, ids: rows.map((r) => movies.get(r.key)!.id), keys: rows.map((r) => r.key), n, d, g, x, y, blocks };
}

/** Rows `idx` of an n x w matrix. */
export function takeRows<T extends Float32Array | Uint8Array>(m: T, width: number, idx: number[]): T {
  const out = new (m.constructor as new (n: number) => T)(idx.length * width);
  idx.forEach((r, i) => out.set(m.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/** The columns of one block (e.g. content only) of an n x d matrix. */
export function takeBlock(ds: GenreDataset, x: Float32Array, n: number, channel: string): { x: Float32Array; d: number } {
  const b = ds.blocks.find((bl) => bl.channel === channel)!;
  const out = new Float32Array(n * b.length);
  for (let i = 0; i < n; i++) out.set(x.subarray(i * ds.d + b.offset, i * ds.d + b.offset + b.length), i * b.length);
  return { x: out, d: b.length };
}

export function labelPrior(y: Uint8Array, n: number, g: number): Float32Array {
  const p = new Float32Array(g);
  for (let i = 0; i < n; i++) for (let k = 0; k < g; k++) p[k] += y[i * g + k]! / n;
  return p;
}

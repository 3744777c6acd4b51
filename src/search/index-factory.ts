/** Builds the VectorIndex for one channel from the store, choosing exact or HNSW by size. */
import type { Library } from '../store/library.js';
import type { ModelRef } from '../store/types.js';
import { ExactIndex } from './exact-index.js';
import { HnswIndex } from './hnsw-index.js';
import type { VectorIndex } from './vector-index.js';

/**
 * Above this many vectors the HNSW index is used. Measured with `npm run bench`
 * (bench/ann.ts): exact search over 1792-d vectors costs ~2 ms per 1k vectors on
 * 2 cores, so at 50k it is ~100 ms while HNSW stays around 1-2 ms.
 */
export const DEFAULT_ANN_THRESHOLD = 50_000;

export function annThreshold(): number {
  const env = Number(process.env.MARQUEE_ANN_THRESHOLD);
  return Number.isFinite(env) && env > 0 ? env : DEFAULT_ANN_THRESHOLD;
}

export interface LoadedChannel {
  index: VectorIndex;
  keys: number[];
}

export async function loadChannelIndex(library: Library, channel: string, model: ModelRef, threshold = annThreshold()): Promise<LoadedChannel> {
  const entries: { key: number; vector: Float32Array }[] = [];
  for (const e of library.iterateVectors(channel, model)) entries.push(e);
  const index: VectorIndex = entries.length >= threshold ? new HnswIndex(model.dimension, entries.length) : new ExactIndex(model.dimension, entries.length);
  await index.upsert(entries);
  return { index, keys: entries.map((e) => e.key) };
}

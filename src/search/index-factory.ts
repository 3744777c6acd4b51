/**
 * Builds the VectorIndex of one channel: the engine's own (pgvector) when the store has one,
 * else an in-process index loaded from the store, exact or HNSW by size.
 */
import type { Store } from '../store/store.js';
import type { FilterRow, ModelRef } from '../store/types.js';
import { ExactIndex } from './exact-index.js';
import { allowedKeys, type SearchFilters } from './filters.js';
import { HnswIndex, DEFAULT_HNSW } from './hnsw-index.js';
import type { FilterResolver, VectorIndex } from './vector-index.js';
import { CentredIndex } from './centred-index.js';
import { referenceSample } from './fusion.js';
import { meanVector } from '../util/vectors.js';

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
  /** Keys with a vector, for the fusion's reference sample. */
  keys: number[];
}

/** A resolver over the collection's filter rows, caching the last few filters' key sets. */
export function filterResolver(rows: () => Promise<FilterRow[]>): FilterResolver {
  const cache = new Map<string, ReadonlySet<number>>();
  return async (filter: SearchFilters) => {
    const id = JSON.stringify(filter);
    let keys = cache.get(id);
    if (!keys) {
      keys = allowedKeys(await rows(), filter) ?? new Set((await rows()).map((r) => r.key));
      if (cache.size >= 16) cache.delete(cache.keys().next().value!);
      cache.set(id, keys);
    }
    return keys;
  };
}

/** Vectors averaged to estimate an engine index's mean (an even sample; all of them below this). */
const MEAN_SAMPLE = 1000;

/** Mean of unit vectors (float64 sums). */
function mean(vectors: Float32Array[]): Float32Array {
  return Float32Array.from(meanVector(vectors));
}

/**
 * Ranks by the model's metric. `centre`: rank by cosines centred on the channel's mean (hub
 * correction, centred-index.ts; cosine channels only).
 * MARQUEE_HUB_CORRECTION=off turns it off everywhere.
 */
export async function loadChannelIndex(
  store: Store,
  channel: string,
  model: ModelRef,
  rows: () => Promise<FilterRow[]>,
  opts: { threshold?: number; centre?: boolean } = {},
): Promise<LoadedChannel> {
  const metric = model.metric ?? 'cosine';
  // Centring is a correction of cosine neighbourhoods; other metrics are ranked as their makers rank them.
  const centre = opts.centre === true && metric === 'cosine' && process.env.MARQUEE_HUB_CORRECTION !== 'off';
  const inEngine = store.vectors.engineIndex(channel, model);
  if (inEngine) {
    const keys = await store.vectorKeys(channel, model, 'posters');
    if (!centre || keys.length === 0) return { index: inEngine, keys };
    const sample = await Promise.all(referenceSample(keys, MEAN_SAMPLE).map((k) => store.getVector(k, channel, model)));
    return { index: new CentredIndex(inEngine, mean(sample.filter((v): v is Float32Array => v !== undefined))), keys };
  }
  // Every poster of every film: search ranks posters (the engine keeps the best per film).
  const entries = await store.loadVectors(channel, model, 'posters');
  const resolve = filterResolver(rows);
  const raw: VectorIndex =
    entries.length >= (opts.threshold ?? annThreshold()) ? new HnswIndex(model.dimension, entries.length, DEFAULT_HNSW, resolve, metric) : new ExactIndex(model.dimension, entries.length, resolve, metric);
  await raw.upsert(entries);
  const index = centre && entries.length > 0 ? new CentredIndex(raw, mean(entries.map((e) => e.vector))) : raw;
  return { index, keys: entries.map((e) => e.key) };
}

/**
 * Builds the VectorIndex of one channel: the engine's own (pgvector) when the store has one,
 * else an in-process index loaded from the store, exact or HNSW by size.
 */
import type { Store } from '../store/store.js';
import type { FilterRow, ModelRef } from '../store/types.js';
import { ExactIndex } from './exact-index.js';
import { allowedKeys, type SearchFilters } from '../store/filters.js';
import { HnswIndex, DEFAULT_HNSW } from './hnsw-index.js';
import type { FilterResolver, VectorIndex } from '../store/vector-index.js';
import { CentredIndex } from './centred-index.js';
import { referenceSample } from './fusion.js';
import { meanVector } from '../util/vectors.js';
import { WhitenedIndex } from './whitened-index.js';
import { Whitening, type WhiteningSpec } from './whitening.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'vectors'>;

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
  /**
   * Scores on the centred-cosine scale the copy and duplicate thresholds were measured on, when
   * `index` ranks by another (the whitened cosine); undefined: `index`'s own scores are that scale.
   */
  cosine?: VectorIndex;
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

/**
 * The hub correction of content channels beyond centring (whitened-index.ts): the 128 leading
 * principal axes of the library's vectors, each divided by its variance to the power 0.3 (between
 * the square root of the standard deviation, 0.25, and full whitening, 0.5). Chosen on the dev
 * half of the demo catalog (`npm run bench -- hubs`, docs/hub-correction.md).
 */
export const HUB_WHITENING: WhiteningSpec = { components: 128, power: 0.3, centre: true };
/** In-process, the whitening is learned on an even sample of at most this many of the loaded vectors (all of the demo's 3,253). */
export const WHITENING_SAMPLE = 10_000;
/** Around an engine index, on an even sample of this many (each read from the store). */
const ENGINE_WHITENING_SAMPLE = 2000;
/**
 * Fewer vectors than this (twice the axes) are centred only: their axes would be estimated from
 * too few posters, and a query's part outside the few axes a tiny library spans would be dropped.
 */
export const MIN_WHITENING_VECTORS = 2 * HUB_WHITENING.components;

/** Mean of unit vectors (float64 sums). */
function mean(vectors: Float32Array[]): Float32Array {
  return Float32Array.from(meanVector(vectors));
}

export type HubCorrection = 'off' | 'centre' | 'whiten';

/** MARQUEE_HUB_CORRECTION: off (raw cosines), centre (centred cosines only), whiten (the default). */
export function hubCorrection(): HubCorrection {
  const env = process.env.MARQUEE_HUB_CORRECTION;
  return env === 'off' || env === 'centre' ? env : 'whiten';
}

/**
 * Ranks by the model's metric. `hubCorrection` (cosine channels only): rank by cosines of the
 * vectors centred on the channel's mean (centred-index.ts), then whitened (whitened-index.ts),
 * as MARQUEE_HUB_CORRECTION says (whitened unless it says otherwise).
 */
export async function loadChannelIndex(
  store: StoreParts,
  channel: string,
  model: ModelRef,
  rows: () => Promise<FilterRow[]>,
  opts: { threshold?: number; hubCorrection?: boolean } = {},
): Promise<LoadedChannel> {
  const metric = model.metric ?? 'cosine';
  // A correction of cosine neighbourhoods; other metrics are ranked as their makers rank them.
  const correction = opts.hubCorrection === true && metric === 'cosine' ? hubCorrection() : 'off';
  const inEngine = store.vectors.engineIndex(channel, model);
  if (inEngine) {
    const keys = await store.vectors.keys(channel, model, 'posters');
    if (correction === 'off' || keys.length === 0) return { index: inEngine, keys };
    const whiten = correction === 'whiten' && keys.length >= MIN_WHITENING_VECTORS;
    const read = (ks: number[]) => Promise.all(ks.map((k) => store.vectors.get(k, channel, model)));
    const meanKeys = referenceSample(keys, MEAN_SAMPLE);
    const sampleKeys = whiten ? referenceSample(keys, ENGINE_WHITENING_SAMPLE) : [];
    const wanted = [...new Set([...meanKeys, ...sampleKeys])];
    const stored = new Map((await read(wanted)).map((v, i) => [wanted[i]!, v]));
    const vectorsOf = (ks: number[]) => ks.map((k) => stored.get(k)).filter((v): v is Float32Array => v !== undefined);
    const centred = new CentredIndex(inEngine, mean(vectorsOf(meanKeys)));
    if (!whiten) return { index: centred, keys };
    return { index: new WhitenedIndex(centred, await Whitening.learn(vectorsOf(sampleKeys), HUB_WHITENING), read), cosine: centred, keys };
  }
  // Every poster of every film: search ranks posters (the engine keeps the best per film).
  const entries = await store.vectors.load(channel, model, 'posters');
  const resolve = filterResolver(rows);
  const ann = entries.length >= (opts.threshold ?? annThreshold());
  const keys = entries.map((e) => e.key);
  const whiten = correction === 'whiten' && entries.length >= MIN_WHITENING_VECTORS;
  // Whitened, the raw vectors only answer scores (the centred-cosine scale): no graph for them.
  const raw: VectorIndex = ann && !whiten ? new HnswIndex(model.dimension, entries.length, DEFAULT_HNSW, resolve, metric) : new ExactIndex(model.dimension, entries.length, resolve, metric);
  if (correction === 'off' || entries.length === 0) {
    await raw.upsert(entries);
    return { index: raw, keys };
  }
  const vectors = entries.map((e) => e.vector);
  const centred = new CentredIndex(raw, mean(vectors));
  if (!whiten) {
    await centred.upsert(entries);
    return { index: centred, keys };
  }
  const whitening = await Whitening.learn(vectors, HUB_WHITENING, WHITENING_SAMPLE);
  // The whitened vectors in an index of their own (HNSW above the threshold), which ranks.
  const copies = ann ? new HnswIndex(whitening.dimension, entries.length, DEFAULT_HNSW, resolve) : new ExactIndex(whitening.dimension, entries.length, resolve);
  const whitened = new WhitenedIndex(centred, whitening, copies);
  await whitened.upsert(entries);
  return { index: whitened, cosine: centred, keys };
}

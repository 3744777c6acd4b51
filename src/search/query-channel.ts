/**
 * The scoring seam of a query: one QueryChannel per thing a query compares (a vector channel, faces,
 * a palette). The engine asks each active channel for its best keys, scores the union of
 * candidates on every channel, and fuses per-query z-scores against each channel's reference.
 */
import { PaletteScorer } from './palette-scorer.js';
import type { FaceScorer } from './face-scorer.js';
import type { SearchFilters } from './filters.js';
import { referenceSample } from './fusion.js';
import type { LoadedChannel } from './index-factory.js';
import { QueryError } from './query.js';
import type { VectorHit } from './vector-index.js';

export interface QueryChannel {
  readonly name: string;
  readonly weight: number;
  /** Whether search needs the filter resolved to keys (in-process scorers) rather than the filter itself. */
  readonly needsKeys: boolean;
  search(k: number, only: { filter?: SearchFilters; allow?: ReadonlySet<number> }, exclude: ReadonlySet<number>): Promise<VectorHit[]>;
  /** Raw scores of these keys (NaN where a key lacks the channel). */
  scores(keys: number[]): Promise<Float32Array>;
  /** Scores of a fixed sample of the collection, the z-score reference. */
  reference(): Promise<Float32Array>;
  /** Floor on the reference spread (channels where almost every poster scores 0). */
  readonly minStd?: number;
}

/** A query vector against a channel's VectorIndex (the filter goes to the index as it is). */
export function vectorChannel(name: string, weight: number, vector: Float32Array, loaded: LoadedChannel): QueryChannel {
  return {
    name,
    weight,
    needsKeys: false,
    search: (k, only, exclude) => loaded.index.search(vector, k, { filter: only.filter, exclude }),
    scores: (keys) => loaded.index.scores(vector, keys),
    reference: () => loaded.index.scores(vector, referenceSample(loaded.keys)),
  };
}

/** Same face: 1 − the smallest descriptor distance between a query face and a poster's faces. */
export function faceChannel(weight: number, query: Float32Array[], scorer: FaceScorer): QueryChannel {
  return {
    name: 'faces',
    weight,
    needsKeys: true,
    search: async (k, only, exclude) => scorer.search(query, k, only.allow, exclude),
    scores: async (keys) => scorer.scores(query, keys),
    reference: async () => scorer.scores(query, referenceSample(scorer.keys)),
  };
}

/** Posters containing every one of the colours (hex). */
export function paletteChannel(weight: number, colors: string[], scorer: PaletteScorer): QueryChannel {
  let weights: Float32Array[];
  try {
    weights = PaletteScorer.weightsFor(colors);
  } catch (err) {
    throw new QueryError((err as Error).message);
  }
  return {
    name: 'palette',
    weight,
    needsKeys: true,
    search: async (k, only, exclude) => scorer.search(weights, k + exclude.size, only.allow).filter((h) => !exclude.has(h.key)).slice(0, k),
    scores: async (keys) => scorer.scores(weights, keys),
    reference: async () => scorer.scores(weights, referenceSample(scorer.keys)),
  };
}

/**
 * The z-score side of the retriever seam (retriever.ts): a QueryChannel is a Retriever that can
 * also score any key and a reference sample of the library (a vector channel, faces, a palette,
 * identity, typography, the fused text side). The engine asks each active channel for its best
 * keys, scores the union of candidates on every channel, and fuses per-query z-scores against
 * each channel's reference.
 */
import { PaletteScorer } from './palette-scorer.js';
import type { FaceScorer } from './face-scorer.js';
import { referenceSample } from './fusion.js';
import type { LoadedChannel } from './index-factory.js';
import { QueryError } from './query.js';
import type { Retriever } from './retriever.js';

/** A retriever that scores any key too (the z-score fusion needs every candidate's score on every channel). */
export interface ScoringRetriever extends Retriever {
  /** Raw scores of these keys (NaN where a key lacks the channel). */
  scores(keys: number[]): Promise<Float32Array>;
  /** Scores of a fixed sample of the collection, the z-score reference. */
  reference(): Promise<Float32Array>;
}

export interface QueryChannel extends ScoringRetriever {
  readonly weight: number;
  /** Whether retrieval needs the filter resolved to keys (in-process scorers) rather than the filter itself. */
  readonly needsKeys: boolean;
  /** Raw scores of these keys (NaN where a key lacks the channel). */
  scores(keys: number[]): Promise<Float32Array>;
  /** Scores of a fixed sample of the collection, the z-score reference. */
  reference(): Promise<Float32Array>;
  /** Floor on the reference spread (channels where almost every poster scores 0). */
  readonly minStd?: number;
}

/** A query vector against a channel's VectorIndex (the filter goes to the index as it is). */
export function vectorRetriever(name: string, level: Retriever['level'], vector: Float32Array, loaded: LoadedChannel): ScoringRetriever {
  return {
    name,
    level,
    retrieve: (k, scope) => loaded.index.search(vector, k, { filter: scope.filter, exclude: scope.exclude }),
    scores: (keys) => loaded.index.scores(vector, keys),
    reference: () => loaded.index.scores(vector, referenceSample(loaded.keys)),
  };
}

/** A poster channel's vector retriever, weighted for the fusion. */
export function vectorChannel(name: string, weight: number, vector: Float32Array, loaded: LoadedChannel): QueryChannel {
  return { ...vectorRetriever(name, 'poster', vector, loaded), weight, needsKeys: false };
}

/** Same face: 1 − the smallest descriptor distance between a query face and a poster's faces. */
export function faceChannel(weight: number, query: Float32Array[], scorer: FaceScorer): QueryChannel {
  return {
    name: 'faces',
    level: 'poster',
    weight,
    needsKeys: true,
    retrieve: async (k, scope) => scorer.search(query, k, scope.allow, scope.exclude),
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
    level: 'poster',
    weight,
    needsKeys: true,
    retrieve: async (k, scope) => scorer.search(weights, k + scope.exclude.size, scope.allow).filter((h) => !scope.exclude.has(h.key)).slice(0, k),
    scores: async (keys) => scorer.scores(weights, keys),
    reference: async () => scorer.scores(weights, referenceSample(scorer.keys)),
  };
}

/**
 * "Which film is this poster?": an image search with the identity channel, and a verdict on its
 * best result. The verdict rests on two kinds of evidence: the upload's text naming the film
 * (identity score: its title read, or its printed text matching the catalog poster's), backed by
 * how much the posters look alike (centred content cosine, weight 0.5), or the upload being a
 * copy of the catalog poster (content cosine ≥ 0.9). Below the threshold the answer is "not in
 * the catalog". Calibrated on 180 degraded copies of demo posters (JPEG q20, DVD frame, blur)
 * and the same queries with their own film left out: text alone at 0.6 named a wrong film for
 * 38 % of absent films (sequels: "HALLOWEEN II" is nearly "Halloween"); text + 0.5 × look at
 * 0.66 names 71 % of present films, 97.6 % of them right, and 10 % of absent ones (docs/identification.md).
 */
import type { TextLine } from '../text/types.js';
import type { SearchEngine } from './engine.js';
import { hasFilters } from '../store/filters.js';
import { DEFAULT_IMAGE_WEIGHTS, WEIGHTED_CHANNELS, type ChannelWeights, type ImageInput, type ResultPoster, type SearchQuery, type SearchResult } from './query.js';

/** How an image search treats the upload's identity: read and fused into one answer, or left for a second request. */
export const IDENTIFY_MODES = ['fused', 'later'] as const;
export type IdentifyMode = (typeof IDENTIFY_MODES)[number];

/** Evidence at or above this names the film (calibrated: see the header). */
export const IDENTITY_THRESHOLD = 0.66;
/** A content cosine at or above this is the same poster, whatever its text. */
export const COPY_THRESHOLD = 0.9;
/** Weight of the look (content cosine) beside the text's identity score. */
const LOOK_WEIGHT = 0.5;

export interface Identification {
  /** The film, when the evidence is strong enough; null: not in the catalog. */
  match: { id: string; title: string; year: number | null; confidence: number; by: 'title' | 'text' | 'image'; poster?: ResultPoster } | null;
  /** The best candidates, best first (also when there is no match). */
  candidates: SearchResult[];
  /** What was read on the upload. */
  lines: TextLine[];
}

/** 0–1 evidence that a result is the upload's film: its identity score, or how near a copy its poster is. */
export function evidenceOf(r: SearchResult): { confidence: number; by: 'title' | 'text' | 'image' } {
  const identity = r.identity?.score ?? 0;
  const content = Math.max(0, r.scores.content ?? 0);
  const textual = identity > 0 ? (identity + LOOK_WEIGHT * content) / (1 + LOOK_WEIGHT) : 0;
  // Content cosines from COPY_THRESHOLD to 1 map onto IDENTITY_THRESHOLD to 1, so one threshold reads both.
  const copy = content >= COPY_THRESHOLD ? IDENTITY_THRESHOLD + ((1 - IDENTITY_THRESHOLD) * (content - COPY_THRESHOLD)) / (1 - COPY_THRESHOLD) : (IDENTITY_THRESHOLD * content) / COPY_THRESHOLD;
  if (textual >= copy) return { confidence: Math.min(1, textual), by: r.identity!.by };
  return { confidence: Math.min(1, copy), by: 'image' };
}

/** The verdict on a ranked list of image-search results. */
export function verdict(results: SearchResult[]): Identification['match'] {
  const top = results[0];
  if (!top) return null;
  const e = evidenceOf(top);
  if (e.confidence < IDENTITY_THRESHOLD) return null;
  // With several posters per film, the best result's poster is the one the upload is (or resembles most).
  return { id: top.id, title: top.title, year: top.year, confidence: Math.round(e.confidence * 1000) / 1000, by: e.by, ...(top.poster ? { poster: top.poster } : {}) };
}

/** Which film an uploaded poster shows, on the whole library (no filters) with the default channels. */
export async function identify(engine: SearchEngine, image: ImageInput, k = 5): Promise<Identification> {
  const lines = await engine.embedder.readText(image);
  const candidates = await engine.search({ image, imageText: lines, k });
  return { match: verdict(candidates), candidates, lines };
}

function defaultWeights(w: ChannelWeights | undefined): boolean {
  return !w || WEIGHTED_CHANNELS.every((c) => (w[c] ?? 0) === DEFAULT_IMAGE_WEIGHTS[c]);
}

/**
 * The identity of a single-upload search: its own results when they were ranked as identification
 * ranks (the whole library, default channels and model, one result per film), otherwise a search
 * of its own. The answer never depends on filters or weights (a year filter used to turn it off);
 * the upload's vectors and reading are cached by content hash, so the second search reads nothing again.
 */
export async function identificationOf(engine: SearchEngine, q: SearchQuery, results: SearchResult[]): Promise<Identification['match']> {
  if (!q.image) return null;
  const asIdentification = !hasFilters(q.filters) && defaultWeights(q.weights) && q.model === undefined && (q.per ?? 'film') === 'film';
  return asIdentification ? verdict(results) : (await identify(engine, q.image)).match;
}

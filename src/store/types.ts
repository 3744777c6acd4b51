/** Records the store keeps. `key` is the numeric row id vector indexes use. */
import type { PaletteColor } from '../design/palette.js';
import type { LookStats } from '../image/look-stats.js';
import type { Metric } from '../util/metric.js';

export interface MovieRecord {
  id: string;
  title: string;
  year: number | null;
  genres: string[];
  countries: string[];
  overview: string;
  tagline: string;
  imdbId: string | null;
  tmdbId: string | null;
  /** Every other column of the catalog row, kept as-is. */
  extra: Record<string, string>;
}

export interface StoredMovie extends MovieRecord {
  key: number;
  source: string;
  hasPoster: boolean;
}

export interface PosterRecord {
  path: string;
  contentHash: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  thumbnail: Buffer;
}

/** What a catalog says of a poster beyond its file (posters.csv: kind, country, year); null when not said. */
export interface PosterMeta {
  /** teaser, final, international, re-release… as the catalog names it. */
  kind: string | null;
  country: string | null;
  year: number | null;
}

/**
 * One poster of a movie. Rank 0 is the movie's main poster (the catalog's `poster`) and has the
 * movie's own key; further posters (rank 1, 2… in catalog order) have keys no movie has.
 */
export interface StoredPoster extends PosterMeta {
  key: number;
  movieKey: number;
  rank: number;
  path: string;
  contentHash: string;
  width: number;
  height: number;
  format: string;
}

/**
 * Which rows a bulk read covers: 'films' — synopses and each movie's main poster, one item per
 * film (atlas, genres, duplicates; the default) — or 'posters', every poster of every film
 * (per-poster search, trends).
 */
export type PosterScope = 'films' | 'posters';

/** A stored embedding: which channel, which model made it, from which input. */
export interface VectorRecord {
  channel: string;
  modelId: string;
  modelVersion: string;
  /** Hash of the input the vector was computed from (poster bytes, synopsis text). */
  sourceHash: string;
  vector: Float32Array;
  /** How the model's vectors are compared (cosine when absent): an engine index is built for it. */
  metric?: Metric;
}

export type { ModelRef } from '../models/types.js';

export interface VectorState {
  modelId: string;
  modelVersion: string;
  sourceHash: string;
}

/** Metadata a query filter needs, kept in memory for the whole collection. */
/** What title matching needs of every movie. */
export interface TitleRow {
  key: number;
  id: string;
  title: string;
  year: number | null;
  extra: Record<string, unknown>;
}

export interface FilterRow {
  key: number;
  year: number | null;
  genres: string[];
  countries: string[];
}

/** What one batch of a coordinated (multi-worker) index run did. */
export interface BatchCounts {
  entries: number;
  indexed: number;
  unchanged: number;
  failed: number;
  texts: number;
}

/** A poster's place in the atlas of one channel. */
export interface AtlasPoint {
  key: number;
  pca: [number, number];
  umap: [number, number];
  tsne: [number, number];
  cell: number;
  cluster: number;
  placed: 'build' | 'incremental';
}

/** What a still contributes to its movie's look (HSL statistics and palette), stored as JSON. */
export interface StillLook {
  stats: LookStats;
  palette: PaletteColor[];
}

export interface StillRecord {
  movieKey: number;
  seq: number;
  path: string;
  timestamp: number | null;
  contentHash: string;
  width: number;
  height: number;
  thumbnail: Buffer;
  /** Versions of every channel, joined: a change in any re-processes the still. */
  versions: string;
  content: Float32Array;
  color: Float32Array;
  layout: Float32Array;
  look: StillLook;
}

export interface StoredStill {
  key: number;
  movieKey: number;
  seq: number;
  path: string;
  timestamp: number | null;
  contentHash: string;
  content: Float32Array;
  color: Float32Array;
  layout: Float32Array;
  look: StillLook;
}

/** What which-movie reads of a still: its place and its two vectors (stills/which-movie.ts), a page at a time. */
export type StillVectors = Pick<StoredStill, 'key' | 'movieKey' | 'seq' | 'content' | 'color'>;
/** A still without its vectors: what a map of stills labels and colours them by. */
export type StillSummary = Pick<StoredStill, 'key' | 'movieKey' | 'seq' | 'contentHash' | 'look'>;

/** A film analysed from a video file: where it came from, and the analysis (films/film-analysis.ts). */
export interface StoredFilm<T> {
  /** The video file. */
  source: string;
  /** Identity of the file's bytes when analysed (size, time and sampled bytes; films/video-hash.ts). */
  sourceHash: string;
  /** Version of the analysis (detector and settings): another version re-analyses. */
  version: string;
  analysis: T;
}

export interface StillState {
  contentHash: string;
  versions: string;
  path: string;
}

/** A face found on a still, as stored (rounded, descriptor as numbers). */
export interface StoredFaceJson {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  descriptor: number[];
}

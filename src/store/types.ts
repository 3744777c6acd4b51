/** Records the store keeps. `key` is the numeric row id vector indexes use. */

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

/** A stored embedding: which channel, which model made it, from which input. */
export interface VectorRecord {
  channel: string;
  modelId: string;
  modelVersion: string;
  /** Hash of the input the vector was computed from (poster bytes, synopsis text). */
  sourceHash: string;
  vector: Float32Array;
}

export interface ModelRef {
  id: string;
  version: string;
  dimension: number;
}

export interface VectorState {
  modelId: string;
  modelVersion: string;
  sourceHash: string;
}

/** Metadata a query filter needs, kept in memory for the whole collection. */
export interface FilterRow {
  key: number;
  year: number | null;
  genres: string[];
  countries: string[];
}

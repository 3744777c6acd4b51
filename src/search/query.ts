/** A search request, independent of where it came from (CLI flags, JSONL batch, HTTP). */
import type { SearchFilters } from './filters.js';

export interface ImageInput {
  bytes: Buffer;
  /** File name or label, for error messages. */
  source: string;
}

export type BlendMode = 'embedding' | 'pixel';

export interface SearchQuery {
  image?: ImageInput;
  /** Second image: blend between `image` and `image2`. */
  image2?: ImageInput;
  /** "More like this": a movie id from the library (excluded from results). */
  id?: string;
  text?: string;
  /** Weight of the image channel when image and text are combined (0..1, default 0.5). */
  weightImage?: number;
  /** Blend position between image (0) and image2 (1), default 0.5. */
  mix?: number;
  blend?: BlendMode;
  filters?: SearchFilters;
  k?: number;
}

export interface SearchResult {
  id: string;
  title: string;
  year: number | null;
  /** Cosine for single-channel queries; weighted sum of per-query z-scores for fused ones. */
  score: number;
  genres: string[];
  countries: string[];
  /** Raw cosine per channel that took part. */
  scores: Record<string, number | null>;
}

export const MAX_K = 1000;

/**
 * The vector-search seam. Keys are the store's numeric movie keys; scores are cosine
 * similarities (higher is closer). The interface is async and data-only (no callbacks cross
 * it) so a database can implement it: metadata filters arrive as the declarative
 * `SearchFilters`, which an engine index (pgvector) turns into its WHERE clause and an
 * in-process index (exact, HNSW) resolves to keys through the resolver it was built with.
 * Implementations: ExactIndex, HnswIndex (src/search), PgVectorIndex (src/store/postgres);
 * all run src/search/vector-index.conformance.ts.
 */
import type { SearchFilters } from './filters.js';

export interface VectorHit {
  key: number;
  score: number;
}

export interface VectorSearchOptions {
  /** Only movies passing these metadata filters may be returned. */
  filter?: SearchFilters;
  /** Never return these keys (e.g. the query movie itself). */
  exclude?: ReadonlySet<number>;
}

export interface VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  size(): Promise<number>;
  upsert(entries: { key: number; vector: Float32Array }[]): Promise<void>;
  remove(keys: number[]): Promise<void>;
  /** The k best hits, best first (ties by key). */
  search(query: Float32Array, k: number, opts?: VectorSearchOptions): Promise<VectorHit[]>;
  /** Exact cosine of the query with each given key (NaN where the key is absent). */
  scores(query: Float32Array, keys: number[]): Promise<Float32Array>;
}

/** Resolves a filter to the keys that pass it (in-process indexes; cached by the caller). */
export type FilterResolver = (filter: SearchFilters) => Promise<ReadonlySet<number>>;

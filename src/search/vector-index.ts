/**
 * The vector-search boundary. Keys are the store's numeric movie keys; vectors are
 * L2-normalised, scores are cosine similarities (higher is closer). The interface is
 * async and data-only (no callbacks cross it) so a server engine (pgvector, Qdrant)
 * can implement it: `allow` maps to `WHERE key = ANY(...)` or a has_id filter.
 */
export interface VectorHit {
  key: number;
  score: number;
}

export interface VectorSearchOptions {
  /** Only these keys may be returned (metadata filters are resolved to keys by the caller). */
  allow?: ReadonlySet<number>;
  /** Never return these keys (e.g. the query movie itself). */
  exclude?: ReadonlySet<number>;
}

export interface VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  size(): number;
  has(key: number): boolean;
  upsert(entries: { key: number; vector: Float32Array }[]): Promise<void>;
  remove(keys: number[]): Promise<void>;
  /** The k best hits, best first. */
  search(query: Float32Array, k: number, opts?: VectorSearchOptions): Promise<VectorHit[]>;
  /** Exact cosine of the query with each given key (NaN where the key is absent). */
  scores(query: Float32Array, keys: number[]): Promise<Float32Array>;
}

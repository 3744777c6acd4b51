/**
 * Hub correction beyond centring: a VectorIndex that ranks by the cosine of PCA-whitened vectors
 * (search/whitening.ts: the library's leading principal axes, each divided by a power of its
 * variance), around any index of the same vectors (exact, HNSW, pgvector; centred or not).
 *
 * Centring removes the common component of MobileNet's ReLU features; a few directions of large
 * variance still dominate the centred cosines, so posters strong on them stay among the nearest
 * posters of many others (hubs). Whitening evens those directions out (`npm run bench -- hubs`,
 * docs/hub-correction.md).
 *
 * The whitened vectors (whitening.dimension floats a key: 512 B at 128 axes) are kept beside the
 * inner index, in one of two ways:
 * - in-process (`copies`: an exact or HNSW index of whitened.dimension, empty): every vector
 *   upserted through this index is whitened into it, and search and scores are that index's, so
 *   the ranking is as exact as the inner index's own; the inner index keeps the raw vectors for
 *   whatever needs another scale (the centred cosine of the copy thresholds);
 * - around an engine index the indexer fills by itself (`copies`: a reader of stored vectors):
 *   candidates come from the inner index, OVERFETCH times as many as asked for, and are re-ranked
 *   by the whitened cosine; a key's whitened vector is read once when first needed and kept.
 *   Presence is the inner index's: a key it does not hold scores NaN.
 * The transform stays the one learned at load: a vector added or replaced later is whitened with
 * the same axes, so the index stays consistent until the channel is reloaded (after a library
 * change) and the transform learned again.
 */
import { dot } from '../util/vectors.js';
import type { VectorHit, VectorIndex, VectorSearchOptions } from '../store/vector-index.js';
import type { Whitening } from './whitening.js';

/** Candidates fetched from an engine index per result returned (measured: docs/hub-correction.md). */
export const OVERFETCH = 8;
const MIN_CANDIDATES = 100;

/** Reads stored vectors of keys (undefined: the key has none). */
export type VectorSource = (keys: number[]) => Promise<(Float32Array | undefined)[]>;

export class WhitenedIndex implements VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  /** In-process: the index of whitened vectors. */
  private readonly copies?: VectorIndex;
  /** Around an engine index: whitened vectors read so far, and how to read more. */
  private readonly read?: VectorSource;
  private readonly cache = new Map<number, Float32Array>();

  constructor(
    private readonly inner: VectorIndex,
    readonly whitening: Whitening,
    copies: VectorIndex | VectorSource,
  ) {
    if (whitening.inputDimension !== inner.dimension) throw new Error(`whitening of ${whitening.inputDimension}-d vectors around a ${inner.dimension}-d index`);
    if (typeof copies === 'function') this.read = copies;
    else {
      if (copies.dimension !== whitening.dimension) throw new Error(`an index of ${copies.dimension}-d vectors cannot hold ${whitening.dimension}-d whitened ones`);
      this.copies = copies;
    }
    this.kind = `${inner.kind}+whitened`;
    this.dimension = inner.dimension;
  }

  /** Bytes of the transform and of the whitened vectors held (float32). */
  async bytes(): Promise<number> {
    const held = this.copies ? await this.copies.size() : this.cache.size;
    return held * this.whitening.dimension * 4 + this.whitening.bytes;
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  async upsert(entries: { key: number; vector: Float32Array }[]): Promise<void> {
    await this.inner.upsert(entries);
    const vectors = await this.whitening.applyAll(entries.map((e) => e.vector));
    const whitened = entries.map((e, i) => ({ key: e.key, vector: vectors[i]! }));
    if (this.copies) await this.copies.upsert(whitened);
    else for (const e of whitened) this.cache.set(e.key, e.vector);
  }

  async remove(keys: number[]): Promise<void> {
    await this.inner.remove(keys);
    if (this.copies) await this.copies.remove(keys);
    else for (const k of keys) this.cache.delete(k);
  }

  /** Whitened vectors of the keys (undefined where there is none), reading unknown keys once. */
  private async cached(keys: number[]): Promise<(Float32Array | undefined)[]> {
    const missing = keys.filter((k) => !this.cache.has(k));
    if (missing.length) {
      const read = await this.read!(missing);
      const found = missing.flatMap((k, i) => (read[i] ? [{ k, v: read[i]! }] : []));
      const whitened = await this.whitening.applyAll(found.map((f) => f.v));
      found.forEach((f, i) => this.cache.set(f.k, whitened[i]!));
    }
    return keys.map((k) => this.cache.get(k));
  }

  async scores(query: Float32Array, keys: number[]): Promise<Float32Array> {
    const q = this.whitening.apply(query);
    if (this.copies) return this.copies.scores(q, keys);
    const [present, vectors] = await Promise.all([this.inner.scores(query, keys), this.cached(keys)]);
    return Float32Array.from(keys, (_, i) => (Number.isNaN(present[i]!) || !vectors[i] ? NaN : dot(q, vectors[i]!)));
  }

  async search(query: Float32Array, k: number, opts?: VectorSearchOptions): Promise<VectorHit[]> {
    const q = this.whitening.apply(query);
    if (this.copies) return this.copies.search(q, k, opts);
    const pool = await this.inner.search(query, Math.max(k * OVERFETCH, k + MIN_CANDIDATES), opts);
    const keys = pool.map((h) => h.key);
    const vectors = await this.cached(keys);
    return keys
      .flatMap((key, i) => (vectors[i] ? [{ key, score: dot(q, vectors[i]!) }] : []))
      .sort((a, b) => b.score - a.score || a.key - b.key)
      .slice(0, k);
  }
}

/**
 * Hub correction for a channel: a VectorIndex that ranks by the cosine of vectors centred on the
 * library's mean, around any index of the raw vectors (exact, HNSW, pgvector).
 *
 * MobileNet's ReLU features share a large common component, so a few "average-looking" posters
 * are near everything: in the demo catalog Die Hard: With a Vengeance, The Game and Office Killer
 * were each among the 10 nearest posters of 115–123 others (`npm run bench -- ocr` reports the
 * hub figures before and after). Centring removes that component.
 *
 * Nothing centred is stored: for unit q, x and the mean µ,
 *   cos(q − µ, x − µ) = (q·x − q·µ − x·µ + µ·µ) / (|q − µ| |x − µ|),  |x − µ|² = 1 − 2x·µ + µ·µ,
 * so the inner index keeps the raw vectors and answers q·x; x·µ is one number per key, taken
 * from the inner index itself (its cosine with µ/|µ|) when first needed. A vector added or
 * replaced later is scored against the same µ, so the index stays consistent until the channel
 * is reloaded (after a library change) with the mean recomputed. Candidates come from the inner
 * index by raw cosine, OVERFETCH times as many as asked for, and are re-ranked.
 */
import type { VectorHit, VectorIndex, VectorSearchOptions } from '../store/vector-index.js';

/** Candidates fetched by raw cosine per result returned (measured: see docs/hub-correction.md). */
const OVERFETCH = 4;
const MIN_CANDIDATES = 50;

export class CentredIndex implements VectorIndex {
  readonly kind: string;
  readonly dimension: number;
  private readonly unitMean: Float32Array;
  private readonly meanNorm: number;
  private readonly keyDotMean = new Map<number, number>();

  /** `mean`: the mean of the channel's unit vectors (not normalised). */
  constructor(
    private readonly inner: VectorIndex,
    mean: Float32Array,
  ) {
    this.kind = `${inner.kind}+centred`;
    this.dimension = inner.dimension;
    let n = 0;
    for (const v of mean) n += v * v;
    this.meanNorm = Math.sqrt(n);
    this.unitMean = Float32Array.from(mean, (v) => (this.meanNorm ? v / this.meanNorm : 0));
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  async upsert(entries: { key: number; vector: Float32Array }[]): Promise<void> {
    for (const e of entries) this.keyDotMean.delete(e.key);
    await this.inner.upsert(entries);
  }

  async remove(keys: number[]): Promise<void> {
    for (const k of keys) this.keyDotMean.delete(k);
    await this.inner.remove(keys);
  }

  /** x·µ of each key (NaN for keys without a vector), computed once per key. */
  private async dotsWithMean(keys: number[]): Promise<Float64Array> {
    const missing = keys.filter((k) => !this.keyDotMean.has(k));
    if (missing.length) {
      const cos = await this.inner.scores(this.unitMean, missing);
      missing.forEach((k, i) => this.keyDotMean.set(k, cos[i]! * this.meanNorm));
    }
    return Float64Array.from(keys, (k) => this.keyDotMean.get(k)!);
  }

  private queryDotMean(query: Float32Array): number {
    let s = 0;
    for (let i = 0; i < query.length; i++) s += query[i]! * this.unitMean[i]!;
    return s * this.meanNorm;
  }

  private centred(raw: Float32Array, keyDots: Float64Array, qm: number): Float32Array {
    const mm = this.meanNorm * this.meanNorm;
    const qn = Math.sqrt(Math.max(1e-12, 1 - 2 * qm + mm));
    return Float32Array.from(raw, (s, i) => {
      const xm = keyDots[i]!;
      if (Number.isNaN(s) || Number.isNaN(xm)) return NaN;
      return (s - qm - xm + mm) / (qn * Math.sqrt(Math.max(1e-12, 1 - 2 * xm + mm)));
    });
  }

  async scores(query: Float32Array, keys: number[]): Promise<Float32Array> {
    const [raw, dots] = await Promise.all([this.inner.scores(query, keys), this.dotsWithMean(keys)]);
    return this.centred(raw, dots, this.queryDotMean(query));
  }

  async search(query: Float32Array, k: number, opts?: VectorSearchOptions): Promise<VectorHit[]> {
    const pool = await this.inner.search(query, Math.max(k * OVERFETCH, k + MIN_CANDIDATES), opts);
    const keys = pool.map((h) => h.key);
    const scores = this.centred(Float32Array.from(pool, (h) => h.score), await this.dotsWithMean(keys), this.queryDotMean(query));
    return pool
      .map((h, i) => ({ key: h.key, score: scores[i]! }))
      .sort((a, b) => b.score - a.score || a.key - b.key)
      .slice(0, k);
  }
}

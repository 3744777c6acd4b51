/**
 * Approximate search (HNSW, hnswlib-node) for large collections, in the space of the channel's
 * metric (hnswlib's cosine, l2 or ip). Exact vectors are kept too (in an ExactIndex) so
 * `scores()`, the scores of hits and very selective filters stay exact.
 */
import hnswlib from 'hnswlib-node';
import { ExactIndex } from './exact-index.js';
import { noResolver } from './exact-index.js';
import type { Metric } from '../util/metric.js';
import type { FilterResolver, VectorHit, VectorIndex, VectorSearchOptions } from '../store/vector-index.js';

const { HierarchicalNSW } = hnswlib;

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 128, efSearch: 128, seed: 42 };

export class HnswIndex implements VectorIndex {
  readonly kind = 'hnsw';
  private readonly exact: ExactIndex;
  private readonly hnsw: InstanceType<typeof HierarchicalNSW>;
  private capacity: number;

  constructor(
    readonly dimension: number,
    capacity: number,
    private readonly params: HnswParams = DEFAULT_HNSW,
    private readonly resolveFilter?: FilterResolver,
    readonly metric: Metric = 'cosine',
  ) {
    this.exact = new ExactIndex(dimension, capacity, undefined, metric);
    this.capacity = Math.max(capacity, 16);
    this.hnsw = new HierarchicalNSW(metric === 'dot' ? 'ip' : metric, dimension);
    this.hnsw.initIndex({ maxElements: this.capacity, m: params.m, efConstruction: params.efConstruction, randomSeed: params.seed, allowReplaceDeleted: true });
    this.hnsw.setEf(params.efSearch);
  }

  async size(): Promise<number> {
    return this.exact.count;
  }

  setEf(ef: number): void {
    this.hnsw.setEf(ef);
  }

  async upsert(entries: { key: number; vector: Float32Array }[]): Promise<void> {
    const needed = this.exact.count + entries.length;
    if (needed > this.capacity) {
      this.capacity = Math.max(needed, this.capacity * 2);
      this.hnsw.resizeIndex(this.capacity);
    }
    await this.exact.upsert(entries);
    for (const { key, vector } of entries) this.hnsw.addPoint(Array.from(vector), key, true);
  }

  async remove(keys: number[]): Promise<void> {
    for (const key of keys) if (this.exact.has(key)) this.hnsw.markDelete(key);
    await this.exact.remove(keys);
  }

  async search(query: Float32Array, k: number, opts: VectorSearchOptions = {}): Promise<VectorHit[]> {
    const { exclude } = opts;
    if (opts.filter && !this.resolveFilter) throw noResolver(this.kind);
    const allow = opts.filter ? await this.resolveFilter!(opts.filter) : undefined;
    // A very selective filter is cheaper (and exact) by brute force over the allowed keys.
    if (allow && allow.size < 0.05 * this.exact.count) return this.exact.searchKeys(query, k, allow, exclude);
    const n = Math.min(k + (exclude?.size ?? 0), this.exact.count);
    if (n === 0) return [];
    const filter = allow || exclude ? (label: number) => (!allow || allow.has(label)) && !exclude?.has(label) : undefined;
    this.hnsw.setEf(Math.max(this.params.efSearch, n));
    const r = this.hnsw.searchKnn(Array.from(query), n, filter);
    const keys = r.neighbors.filter((key) => !exclude?.has(key));
    const scores = await this.exact.scores(query, keys);
    return keys
      .map((key, i) => ({ key, score: scores[i]! }))
      .sort((a, b) => b.score - a.score || a.key - b.key)
      .slice(0, k);
  }

  async scores(query: Float32Array, keys: number[]): Promise<Float32Array> {
    return this.exact.scores(query, keys);
  }
}

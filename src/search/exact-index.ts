/**
 * Exact search over one contiguous in-memory float32 matrix (the default engine), by the
 * channel's metric: cosine keeps unit rows (one dot product per row); l2 and dot keep the raw
 * rows and their squared norms, so every metric costs one dot product per row.
 */
import { l2normalize } from '../models/types.js';
import { similarityFromDot, type Metric } from '../util/metric.js';
import { TopK } from './top-k.js';
import type { FilterResolver, VectorHit, VectorIndex, VectorSearchOptions } from '../store/vector-index.js';

/** Thrown when a filter reaches an in-process index built without a resolver. */
export function noResolver(kind: string): Error {
  return new Error(`${kind} index was built without a filter resolver: it cannot apply metadata filters`);
}

export class ExactIndex implements VectorIndex {
  readonly kind = 'exact';
  private matrix: Float32Array;
  private keys: Int32Array;
  /** Squared norm of each row (l2 and dot; rows are unit for cosine). */
  private norms: Float64Array;
  private rows = 0;
  private readonly rowOf = new Map<number, number>();

  constructor(
    readonly dimension: number,
    capacity = 1024,
    private readonly resolveFilter?: FilterResolver,
    readonly metric: Metric = 'cosine',
  ) {
    this.matrix = new Float32Array(capacity * dimension);
    this.keys = new Int32Array(capacity);
    this.norms = new Float64Array(capacity);
  }

  async size(): Promise<number> {
    return this.rows;
  }

  get count(): number {
    return this.rows;
  }

  has(key: number): boolean {
    return this.rowOf.has(key);
  }

  private grow(min: number): void {
    if (min <= this.keys.length) return;
    const cap = Math.max(min, this.keys.length * 2);
    const m = new Float32Array(cap * this.dimension);
    m.set(this.matrix.subarray(0, this.rows * this.dimension));
    const k = new Int32Array(cap);
    k.set(this.keys.subarray(0, this.rows));
    const n = new Float64Array(cap);
    n.set(this.norms.subarray(0, this.rows));
    this.matrix = m;
    this.keys = k;
    this.norms = n;
  }

  async upsert(entries: { key: number; vector: Float32Array }[]): Promise<void> {
    this.grow(this.rows + entries.length);
    for (const { key, vector } of entries) {
      if (vector.length !== this.dimension) throw new Error(`vector for key ${key} has ${vector.length} dims, index has ${this.dimension}`);
      let row = this.rowOf.get(key);
      if (row === undefined) {
        row = this.rows++;
        this.rowOf.set(key, row);
        this.keys[row] = key;
      }
      const v = this.metric === 'cosine' ? l2normalize(Float32Array.from(vector)) : vector;
      this.matrix.set(v, row * this.dimension);
      let n = 0;
      for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
      this.norms[row] = n;
    }
  }

  async remove(keys: number[]): Promise<void> {
    const d = this.dimension;
    for (const key of keys) {
      const row = this.rowOf.get(key);
      if (row === undefined) continue;
      const last = --this.rows;
      if (row !== last) {
        this.matrix.copyWithin(row * d, last * d, (last + 1) * d);
        this.norms[row] = this.norms[last]!;
        const movedKey = this.keys[last]!;
        this.keys[row] = movedKey;
        this.rowOf.set(movedKey, row);
      }
      this.rowOf.delete(key);
    }
  }

  private dot(q: Float32Array, row: number): number {
    const m = this.matrix;
    const d = this.dimension;
    let base = row * d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 3 < d; i += 4, base += 4) {
      s0 += q[i]! * m[base]!;
      s1 += q[i + 1]! * m[base + 1]!;
      s2 += q[i + 2]! * m[base + 2]!;
      s3 += q[i + 3]! * m[base + 3]!;
    }
    for (; i < d; i++, base++) s0 += q[i]! * m[base]!;
    return s0 + s1 + s2 + s3;
  }

  /** The query as compared: unit for cosine, as given otherwise; with its squared norm. */
  private prepare(query: Float32Array): { q: Float32Array; qq: number } {
    const q = this.metric === 'cosine' ? l2normalize(Float32Array.from(query)) : query;
    let qq = 0;
    for (let i = 0; i < q.length; i++) qq += q[i]! * q[i]!;
    return { q, qq };
  }

  private score(q: Float32Array, qq: number, row: number): number {
    const ab = this.dot(q, row);
    return this.metric === 'cosine' ? ab : similarityFromDot(this.metric, ab, qq, this.norms[row]!);
  }

  async search(query: Float32Array, k: number, opts: VectorSearchOptions = {}): Promise<VectorHit[]> {
    if (!opts.filter) return this.searchKeys(query, k, undefined, opts.exclude);
    if (!this.resolveFilter) throw noResolver(this.kind);
    return this.searchKeys(query, k, await this.resolveFilter(opts.filter), opts.exclude);
  }

  /** Search among `allow` keys (all when undefined). */
  searchKeys(query: Float32Array, k: number, allow: ReadonlySet<number> | undefined, exclude: ReadonlySet<number> | undefined): VectorHit[] {
    const { q, qq } = this.prepare(query);
    const top = new TopK(k);
    if (allow && allow.size < this.rows / 4) {
      for (const key of allow) {
        const row = this.rowOf.get(key);
        if (row === undefined || exclude?.has(key)) continue;
        top.push(key, this.score(q, qq, row));
      }
    } else {
      for (let row = 0; row < this.rows; row++) {
        const key = this.keys[row]!;
        if ((allow && !allow.has(key)) || exclude?.has(key)) continue;
        top.push(key, this.score(q, qq, row));
      }
    }
    return top.result();
  }

  async scores(query: Float32Array, keys: number[]): Promise<Float32Array> {
    const { q, qq } = this.prepare(query);
    const out = new Float32Array(keys.length);
    keys.forEach((key, i) => {
      const row = this.rowOf.get(key);
      out[i] = row === undefined ? NaN : this.score(q, qq, row);
    });
    return out;
  }

}

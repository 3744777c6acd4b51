/**
 * The `typography` channel: posters whose text is laid out alike (title placement and size, text
 * coverage, number of blocks, where the text sits, alignment). Descriptors are standardised over
 * the library (each dimension to zero mean, unit spread) and compared by cosine; posters not
 * read yet have no score (NaN), posters without text compare as "no text".
 */
import { typographyOf, typographyVector, TYPOGRAPHY_DIMENSION } from '../text/typography.js';
import type { TextLine } from '../text/types.js';
import type { VectorHit } from '../store/vector-index.js';

export class TypographyScorer {
  private readonly vectors = new Map<number, Float32Array>();
  private readonly mean = new Float64Array(TYPOGRAPHY_DIMENSION);
  private readonly std = new Float64Array(TYPOGRAPHY_DIMENSION).fill(1);

  constructor(readings: Iterable<{ key: number; lines: TextLine[] }>) {
    const raw = [...readings].map((r) => ({ key: r.key, v: typographyVector(typographyOf(r.lines)) }));
    const n = raw.length || 1;
    for (const { v } of raw) for (let i = 0; i < TYPOGRAPHY_DIMENSION; i++) this.mean[i]! += v[i]! / n;
    for (let i = 0; i < TYPOGRAPHY_DIMENSION; i++) {
      let s = 0;
      for (const { v } of raw) s += (v[i]! - this.mean[i]!) ** 2;
      this.std[i] = Math.sqrt(s / n) || 1;
    }
    for (const { key, v } of raw) this.vectors.set(key, this.standardise(v));
  }

  get keys(): number[] {
    return [...this.vectors.keys()];
  }

  /** A poster's standardised, unit-length descriptor (undefined when it was not read). */
  vector(key: number): Float32Array | undefined {
    return this.vectors.get(key);
  }

  /** A descriptor standardised and scaled to unit length. */
  private standardise(v: Float32Array): Float32Array {
    const z = Float32Array.from(v, (x, i) => (x - this.mean[i]!) / this.std[i]!);
    const n = Math.sqrt(z.reduce((s, x) => s + x * x, 0)) || 1;
    return z.map((x) => x / n);
  }

  /** The query descriptor of a poster's lines. */
  queryOf(lines: TextLine[]): Float32Array {
    return this.standardise(typographyVector(typographyOf(lines)));
  }

  private cosine(q: Float32Array, key: number): number {
    const v = this.vectors.get(key);
    if (!v) return NaN;
    let s = 0;
    for (let i = 0; i < q.length; i++) s += q[i]! * v[i]!;
    return s;
  }

  scores(query: Float32Array, keys: number[]): Float32Array {
    return Float32Array.from(keys, (k) => this.cosine(query, k));
  }

  search(query: Float32Array, k: number, allow?: ReadonlySet<number>, exclude?: ReadonlySet<number>): VectorHit[] {
    const hits: VectorHit[] = [];
    for (const key of this.vectors.keys()) if ((!allow || allow.has(key)) && !exclude?.has(key)) hits.push({ key, score: this.cosine(query, key) });
    return hits.sort((a, b) => b.score - a.score || a.key - b.key).slice(0, k);
  }
}

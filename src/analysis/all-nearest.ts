/**
 * Every vector's k nearest others by dot product (unit vectors: cosine), for library-wide passes
 * (borrowings). One pass over the upper triangle of the similarity matrix of a contiguous matrix,
 * each product updating both rows' top lists. Vectors wider than PROJECT_ABOVE dimensions are
 * first projected onto PROJECTED_DIMS seeded Gaussian directions (Johnson–Lindenstrauss) to find
 * CANDIDATE_FACTOR·k candidates per row, re-scored with the full vectors.
 *
 * Why not the search index: a query per poster through the exact index made the demo catalog's
 * borrowings take 11.9 s on its 192-d layouts and 75.6 s on its 1,792-d content vectors; this
 * pass takes 2.7 s and 7.9 s of that (float64 rows, four partial sums; shared 2-core machine).
 */
import { seededRandom } from '../util/random.js';
import { yieldToEventLoop } from '../util/yield.js';

const PROJECT_ABOVE = 256;
const PROJECTED_DIMS = 256;
const CANDIDATE_FACTOR = 4;

/** A matrix of n rows of width d, contiguous. */
function packed(vectors: Float32Array[], d: number): Float64Array {
  const m = new Float64Array(vectors.length * d);
  vectors.forEach((v, i) => m.set(v, i * d));
  return m;
}

/** Rows of `vectors` projected onto `dims` seeded Gaussian directions, each row back to unit length. */
function project(vectors: Float32Array[], dims: number, seed: number): Float64Array {
  const d = vectors[0]!.length;
  const random = seededRandom(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const r = Float64Array.from({ length: d * dims }, gaussian);
  const out = new Float64Array(vectors.length * dims);
  vectors.forEach((v, i) => {
    const o = i * dims;
    // Row by row of the projection matrix (contiguous reads), not column by column.
    for (let j = 0; j < d; j++) {
      const x = v[j]!;
      const base = j * dims;
      for (let c = 0; c < dims; c++) out[o + c] += x * r[base + c]!;
    }
    let norm = 0;
    for (let c = 0; c < dims; c++) norm += out[o + c]! * out[o + c]!;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < dims; c++) out[o + c] = out[o + c]! / norm;
  });
  return out;
}

/** Keeps the m best (score, index) of a row, best first. */
class TopList {
  readonly scores: Float64Array;
  readonly indexes: Int32Array;
  size = 0;
  constructor(readonly m: number) {
    this.scores = new Float64Array(m);
    this.indexes = new Int32Array(m);
  }
  offer(score: number, index: number): void {
    if (this.size === this.m && score <= this.scores[this.m - 1]!) return;
    let at = this.size < this.m ? this.size++ : this.m - 1;
    while (at > 0 && this.scores[at - 1]! < score) {
      this.scores[at] = this.scores[at - 1]!;
      this.indexes[at] = this.indexes[at - 1]!;
      at--;
    }
    this.scores[at] = score;
    this.indexes[at] = index;
  }
}

/** For each vector (unit length), the indexes of its k nearest others, nearest first. Yields to the event loop as it goes. */
export async function allNearest(vectors: Float32Array[], k: number, seed = 17): Promise<number[][]> {
  const n = vectors.length;
  if (n === 0) return [];
  const full = vectors[0]!.length;
  const projected = full > PROJECT_ABOVE;
  const d = projected ? PROJECTED_DIMS : full;
  const m = Math.min(n - 1, projected ? CANDIDATE_FACTOR * k : k);
  const matrix = projected ? project(vectors, d, seed) : packed(vectors, d);
  const tops = Array.from({ length: n }, () => new TopList(Math.max(1, m)));
  for (let i = 0; i < n; i++) {
    if (i % 64 === 0) await yieldToEventLoop();
    const a = i * d;
    const top = tops[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      // Four sums: independent additions the CPU can overlap (d is a multiple of 4 for every channel; the tail is added after).
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let c = 0;
      for (; c + 3 < d; c += 4) {
        s0 += matrix[a + c]! * matrix[b + c]!;
        s1 += matrix[a + c + 1]! * matrix[b + c + 1]!;
        s2 += matrix[a + c + 2]! * matrix[b + c + 2]!;
        s3 += matrix[a + c + 3]! * matrix[b + c + 3]!;
      }
      for (; c < d; c++) s0 += matrix[a + c]! * matrix[b + c]!;
      const s = s0 + s1 + s2 + s3;
      top.offer(s, j);
      tops[j]!.offer(s, i);
    }
  }
  return tops.map((t, i) => {
    const candidates = Array.from(t.indexes.subarray(0, t.size));
    if (!projected) return candidates;
    // Re-score the projection's candidates with the full vectors.
    const v = vectors[i]!;
    return candidates
      .map((j) => {
        const w = vectors[j]!;
        let s = 0;
        for (let c = 0; c < full; c++) s += v[c]! * w[c]!;
        return { j, s };
      })
      .sort((x, y) => y.s - x.s || x.j - y.j)
      .slice(0, k)
      .map((x) => x.j);
  });
}

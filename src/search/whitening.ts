/**
 * PCA whitening of a channel's embeddings, the hub correction beyond centring (whitened-index.ts).
 *
 * Centring removes the common component that MobileNet's ReLU features share; a few directions
 * of large variance still dominate every cosine, so posters strong on them stay near everything
 * (hubs). Projecting on the leading principal axes and dividing each by a power of its variance
 * evens those directions out: `power` 0.5 is full whitening (unit variance per axis), 0.25 its
 * square root (each axis divided by the square root of its standard deviation), 0 plain PCA.
 *
 * The axes are the leading eigenvectors of the smaller of the covariance (d×d) and the Gram
 * matrix (n×n) of the vectors: subspace iteration with a Rayleigh–Ritz step (the small
 * eigenproblem by ml-matrix), the products on onnxruntime (matmul.ts). On the demo catalog
 * (3,253 × 1792) that takes about a second where a full eigendecomposition in JavaScript
 * (ml-matrix) takes ~50 s.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { seededRandom } from '../util/random.js';
import { matmul } from './matmul.js';

export interface WhiteningSpec {
  /** Principal axes kept (all the data have when larger). */
  components: number;
  /** Each axis is divided by its variance to this power (0.5: full whitening; 0.25: square root; 0: none). */
  power: number;
  /** Axes of the covariance about the mean (true), or of the raw second moments, mean left in (false). */
  centre: boolean;
}

/** Principal axes of a set of vectors, largest variance first. */
export interface PrincipalAxes {
  /** What was subtracted before projecting (zeros when not centred). */
  mean: Float64Array;
  /** Variance along each axis (eigenvalues of the covariance), descending. */
  variances: Float64Array;
  /** Unit axes, each of the vectors' dimension. */
  axes: Float64Array[];
}

/** Axes whose variance is below this share of the first are numerical noise and dropped. */
const MIN_RELATIVE_VARIANCE = 1e-7;
/** Subspace iterations: enough for whitening (axes near the cut mix axes of near-equal variance, which it scales alike). */
const SUBSPACE_ITERATIONS = 4;
const OVERSAMPLE = 16;
/** Up to this size the eigenproblem is solved whole. */
const FULL_EIGEN = 300;

/** Eigenvalues (descending) and unit eigenvectors of a symmetric n×n matrix (row-major). */
function symmetricEigen(s: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array[] } {
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (s[i * n + j]! + s[j * n + i]!) / 2));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!);
  return { values: Float64Array.from(order, (i) => values[i]!), vectors: order.map((i) => Float64Array.from(v.getColumn(i))) };
}

/**
 * Orthonormal columns spanning those of a row-major n×l matrix (modified Gram–Schmidt; `passes`
 * 2 for columns orthogonal to float accuracy, 1 where only the span matters), row-major n×l again.
 */
function orthonormalise(z: Float32Array, n: number, l: number, passes = 2): Float32Array {
  const cols: Float64Array[] = [];
  for (let c = 0; c < l; c++) {
    const col = new Float64Array(n);
    for (let i = 0, at = c; i < n; i++, at += l) col[i] = z[at]!;
    cols.push(col);
  }
  for (let c = 0; c < l; c++) {
    const v = cols[c]!;
    for (let pass = 0; pass < passes; pass++)
      for (let p = 0; p < c; p++) {
        const q = cols[p]!;
        let d = 0;
        for (let i = 0; i < n; i++) d += v[i]! * q[i]!;
        for (let i = 0; i < n; i++) v[i]! -= d * q[i]!;
      }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    // A dependent column (rank below l) becomes zero and stays out of the span.
    for (let i = 0; i < n; i++) v[i] = norm > 1e-10 ? v[i]! / norm : 0;
  }
  const out = new Float32Array(n * l);
  for (let c = 0; c < l; c++) for (let i = 0; i < n; i++) out[i * l + c] = cols[c]![i]!;
  return out;
}

/**
 * The `k` leading eigenpairs of a symmetric positive semi-definite n×n matrix (row-major):
 * whole when n is small, else by subspace iteration from a seeded random block of k + 16.
 */
async function leadingEigen(s: Float32Array, n: number, k: number): Promise<{ values: Float64Array; vectors: Float64Array[] }> {
  const l = Math.min(n, k + OVERSAMPLE);
  if (n <= FULL_EIGEN || l === n) {
    const all = symmetricEigen(s, n);
    return { values: all.values.slice(0, k), vectors: all.vectors.slice(0, k) };
  }
  // A random block is well conditioned as it is; each product is orthonormalised (to float accuracy the last time).
  const random = seededRandom(0x5eed);
  let q: Float32Array = Float32Array.from({ length: n * l }, () => random() - 0.5);
  for (let it = 0; it < SUBSPACE_ITERATIONS; it++) q = orthonormalise(await matmul(s, q, n, n, l), n, l, it === SUBSPACE_ITERATIONS - 1 ? 2 : 1);
  // Rayleigh–Ritz: the eigenproblem of Qᵀ S Q, then back.
  const t = await matmul(q, await matmul(s, q, n, n, l), l, n, l, { transA: true });
  const small = symmetricEigen(t, l);
  const kk = Math.min(k, l);
  const u = new Float32Array(l * kk);
  for (let c = 0; c < kk; c++) for (let a = 0; a < l; a++) u[a * kk + c] = small.vectors[c]![a]!;
  const v = await matmul(q, u, n, l, kk);
  return { values: small.values.slice(0, kk), vectors: Array.from({ length: kk }, (_, c) => Float64Array.from({ length: n }, (_, i) => v[i * kk + c]!)) };
}

/** An even sample of `n` of the items (all of them when fewer). */
function evenSample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

/**
 * The principal axes of a set of vectors. `components`: only the leading ones (all of them, by a
 * full eigendecomposition in JavaScript, when undefined: slow past a few hundred dimensions).
 * `sample`: learned on an even sample of at most this many vectors (the mean too).
 */
export async function principalAxes(all: Float32Array[], centre: boolean, opts: { components?: number; sample?: number } = {}): Promise<PrincipalAxes> {
  const vectors = opts.sample ? evenSample(all, opts.sample) : all;
  const n = vectors.length;
  const d = vectors[0]?.length ?? 0;
  const mean = new Float64Array(d);
  if (centre) for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / n;
  if (n === 0 || d === 0) return { mean, variances: new Float64Array(), axes: [] };
  // X: the (centred) vectors, one a row.
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    const row = i * d;
    for (let j = 0; j < d; j++) x[row + j] = v[j]! - mean[j]!;
  }
  const size = Math.min(n, d);
  const k = Math.min(size, opts.components ?? Infinity);
  const eigen = async (s: Float32Array) => (k < size ? leadingEigen(s, size, k) : symmetricEigen(s, size));
  let variances: Float64Array;
  let axes: Float64Array[];
  if (n >= d) {
    // Covariance XᵀX / n (d×d): its eigenvectors are the axes.
    const { values, vectors: vs } = await eigen(await matmul(x, x, d, n, d, { transA: true }));
    variances = values.map((v) => v / n);
    axes = vs;
  } else {
    // Gram XXᵀ (n×n): eigenvector u gives the axis Xᵀu / |Xᵀu|, of the same eigenvalue.
    const { values, vectors: us } = await eigen(await matmul(x, x, n, d, n, { transB: true }));
    variances = values.map((v) => v / n);
    const m = us.length;
    const u = new Float32Array(n * m);
    us.forEach((col, c) => col.forEach((w, i) => (u[i * m + c] = w)));
    const a = await matmul(x, u, d, n, m, { transA: true });
    axes = us.map((_, c) => {
      const axis = Float64Array.from({ length: d }, (_, j) => a[j * m + c]!);
      const norm = Math.sqrt(axis.reduce((s, w) => s + w * w, 0)) || 1;
      return axis.map((w) => w / norm);
    });
  }
  const cut = variances.findIndex((v) => !(v > MIN_RELATIVE_VARIANCE * variances[0]!));
  const keep = cut === -1 ? variances.length : cut;
  return { mean, variances: variances.slice(0, keep), axes: axes.slice(0, keep) };
}

/** Below this many vectors whitening loops in JavaScript rather than calling onnxruntime. */
const BATCH = 64;

/**
 * A learned whitening: y = W (x − m), then unit length. W's rows are the first `components`
 * principal axes, each divided by its variance to the power `power`.
 */
export class Whitening {
  /** Output dimension (axes kept). */
  readonly dimension: number;
  readonly inputDimension: number;
  /** W, row-major (dimension × inputDimension). */
  private readonly basis: Float32Array;
  /** W·m, subtracted after projecting. */
  private readonly offset: Float64Array;

  constructor(
    pca: PrincipalAxes,
    readonly spec: WhiteningSpec,
  ) {
    const k = Math.min(spec.components, pca.axes.length);
    const d = pca.mean.length;
    this.dimension = k;
    this.inputDimension = d;
    this.basis = new Float32Array(k * d);
    this.offset = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const scale = Math.pow(pca.variances[i]!, -spec.power);
      const axis = pca.axes[i]!;
      let o = 0;
      for (let j = 0; j < d; j++) {
        const w = axis[j]! * scale;
        this.basis[i * d + j] = w;
        o += w * pca.mean[j]!;
      }
      this.offset[i] = o;
    }
  }

  /** The transform as stored bytes: W (float32) then W·m (float64), with its shape and spec; `fromBytes` reads it back. */
  toBytes(): { bytes: Buffer; dimension: number; inputDimension: number; spec: WhiteningSpec } {
    const bytes = Buffer.concat([Buffer.from(this.basis.buffer, this.basis.byteOffset, this.basis.byteLength), Buffer.from(this.offset.buffer, this.offset.byteOffset, this.offset.byteLength)]);
    return { bytes, dimension: this.dimension, inputDimension: this.inputDimension, spec: this.spec };
  }

  static fromBytes(stored: { bytes: Buffer; dimension: number; inputDimension: number; spec: WhiteningSpec }): Whitening {
    const { dimension: k, inputDimension: d } = stored;
    if (stored.bytes.length !== k * d * 4 + k * 8) throw new Error(`a stored whitening of ${k} x ${d} takes ${k * d * 4 + k * 8} bytes, not ${stored.bytes.length}`);
    const copy = new Uint8Array(stored.bytes).buffer; // a fresh buffer at offset 0: aligned for the typed arrays
    const w = Object.create(Whitening.prototype) as Whitening;
    Object.assign(w, { dimension: k, inputDimension: d, spec: stored.spec, basis: new Float32Array(copy, 0, k * d), offset: new Float64Array(copy.slice(k * d * 4)) });
    return w;
  }

  /** Learned on `vectors` (an even sample of at most `sample` of them when given). */
  static async learn(vectors: Float32Array[], spec: WhiteningSpec, sample?: number): Promise<Whitening> {
    return new Whitening(await principalAxes(vectors, spec.centre, { components: spec.components, sample }), spec);
  }

  /** Bytes held by the transform (float32 W). */
  get bytes(): number {
    return this.basis.byteLength + this.offset.byteLength;
  }

  /** Less the offset in place, then unit length (a zero vector stays zero) unless `unit` is false. */
  private finish(out: Float32Array, unit = true): Float32Array {
    let norm = 0;
    for (let t = 0; t < out.length; t++) {
      const y = out[t]! - this.offset[t]!;
      out[t] = y;
      norm += y * y;
    }
    norm = Math.sqrt(norm);
    if (unit && norm > 0) for (let t = 0; t < out.length; t++) out[t] = out[t]! / norm;
    return out;
  }

  /**
   * The image of a vector, not re-normalised: with power 0 and unit inputs, inner products of
   * images approximate the inputs' cosines (exactly, for inputs in the span of the axes), and
   * an input far from that span keeps a short image (stills/which-movie.ts).
   */
  project(v: Float32Array): Float32Array {
    return this.finish(this.product(v), false);
  }

  /** The whitened, unit-length image of a vector (a zero vector when it projects to zero). */
  apply(v: Float32Array): Float32Array {
    return this.finish(this.product(v));
  }

  /** W·v. */
  private product(v: Float32Array): Float32Array {
    const d = this.inputDimension;
    const k = this.dimension;
    const w = this.basis;
    const out = new Float32Array(k);
    let i = 0;
    for (; i + 4 <= k; i += 4) {
      const r0 = i * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < d; j++) {
        const x = v[j]!;
        s0 += w[r0 + j]! * x;
        s1 += w[r1 + j]! * x;
        s2 += w[r2 + j]! * x;
        s3 += w[r3 + j]! * x;
      }
      out[i] = s0;
      out[i + 1] = s1;
      out[i + 2] = s2;
      out[i + 3] = s3;
    }
    for (; i < k; i++) {
      let s0 = 0;
      for (let j = 0; j < d; j++) s0 += w[i * d + j]! * v[j]!;
      out[i] = s0;
    }
    return out;
  }

  /** `apply` of many vectors (one matrix product when there are many); `project` of them when `unit` is false. */
  async applyAll(vs: Float32Array[], unit = true): Promise<Float32Array[]> {
    if (vs.length < BATCH) return vs.map((v) => this.finish(this.product(v), unit));
    const d = this.inputDimension;
    const k = this.dimension;
    const x = new Float32Array(vs.length * d);
    vs.forEach((v, i) => x.set(v, i * d));
    const y = await matmul(x, this.basis, vs.length, d, k, { transB: true });
    return vs.map((_, i) => this.finish(y.slice(i * k, (i + 1) * k), unit));
  }
}

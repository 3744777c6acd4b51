/**
 * 2-D projections of a channel's vectors: PCA, UMAP (umap-js) and t-SNE (druidjs), all seeded.
 *
 * PCA is the search layer's principal axes (subspace iteration with the products on
 * onnxruntime, whitening.ts), not druidjs's PCA: on the demo catalog's 3,253 × 1792 content
 * vectors druidjs took 15.3 s of a 53 s atlas build, and on 150 posters it was 8 of 10 s
 * (power iterations with a QR step in JavaScript); the numbers are in docs/atlas.md.
 */
import * as druid from '@saehrimnir/druidjs';
import { UMAP } from 'umap-js';
import { matmul } from '../search/matmul.js';
import { principalAxes } from '../search/whitening.js';
import { seededRandom } from '../util/random.js';

export type Points2D = Float32Array; // n x 2

function toRows(m: { shape: number[]; row(i: number): ArrayLike<number> }): number[][] {
  return Array.from({ length: m.shape[0]! }, (_, i) => Array.from(m.row(i)));
}

/** Axes are learned on an even sample of at most this many vectors (a 132k-still grid would otherwise hold every vector twice for the covariance). */
const PCA_SAMPLE = 20_000;
/** Vectors projected per matrix product. */
const PROJECT_BLOCK = 4096;

/**
 * PCA to d dimensions: each vector's coordinates on the d leading principal axes of the set
 * (about its mean), one row each. Fewer when the vectors span fewer dimensions (n − 1 at most,
 * once centred). Deterministic on one machine (the axes' random start is seeded; the products
 * are onnxruntime's float32, which another CPU may round differently), and each axis points the
 * way its largest entry is positive, so a map is not mirrored from one build to the next by the
 * eigensolver's arbitrary signs. Past PCA_SAMPLE vectors the mean and axes come from the sample.
 */
export async function pca(vectors: Float32Array[], d: number): Promise<number[][]> {
  const basis = await pcaBasis(vectors, d);
  const flat = await projectOnBasis(basis, vectors);
  return Array.from({ length: vectors.length }, (_, i) => Array.from(flat.subarray(i * basis.k, (i + 1) * basis.k)));
}

/** The mean and the d leading principal axes of a set (as `pca` takes them), to project more vectors onto later. */
export interface PcaBasis {
  dim: number;
  k: number;
  mean: Float64Array;
  /** dim x k, row-major: column c is axis c. */
  w: Float32Array;
}

/** The basis `pca` projects onto: learned on an even sample of at most PCA_SAMPLE of `vectors`. */
export async function pcaBasis(vectors: Float32Array[], d: number): Promise<PcaBasis> {
  const dim = vectors[0]?.length ?? 0;
  const { mean, axes } = await principalAxes(vectors, true, { components: Math.min(d, vectors.length, dim), sample: PCA_SAMPLE });
  const k = axes.length;
  const w = new Float32Array(dim * k);
  axes.forEach((axis, c) => {
    let largest = 0;
    for (let j = 1; j < dim; j++) if (Math.abs(axis[j]!) > Math.abs(axis[largest]!)) largest = j;
    const sign = axis[largest]! < 0 ? -1 : 1;
    axis.forEach((a, j) => (w[j * k + c] = sign * a));
  });
  return { dim, k, mean, w };
}

/** Each vector's coordinates on a basis, n x k flat (blocks of PROJECT_BLOCK vectors per matrix product). */
export async function projectOnBasis(basis: PcaBasis, vectors: Float32Array[]): Promise<Float32Array> {
  const { dim, k, mean, w } = basis;
  const out = new Float32Array(vectors.length * k);
  for (let from = 0; from < vectors.length; from += PROJECT_BLOCK) {
    const block = vectors.slice(from, from + PROJECT_BLOCK);
    const x = new Float32Array(block.length * dim);
    block.forEach((v, i) => {
      for (let j = 0; j < dim; j++) x[i * dim + j] = v[j]! - mean[j]!;
    });
    out.set(await matmul(x, w, block.length, dim, k), from * k);
  }
  return out;
}

function flatten(rows: number[][]): Points2D {
  const out = new Float32Array(rows.length * 2);
  rows.forEach((r, i) => ((out[i * 2] = r[0]!), (out[i * 2 + 1] = r[1]!)));
  return normalise(out);
}

/** How points are scaled into [0, 1] x [0, 1] keeping the aspect ratio (centred): `toUnitSquare` applies it, to more points too. */
export interface UnitSquare {
  minX: number;
  minY: number;
  span: number;
  ox: number;
  oy: number;
}

export function unitSquareOf(p: Points2D): UnitSquare {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    minX = Math.min(minX, p[i]!);
    maxX = Math.max(maxX, p[i]!);
    minY = Math.min(minY, p[i + 1]!);
    maxY = Math.max(maxY, p[i + 1]!);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  return { minX, minY, span, ox: (1 - (maxX - minX) / span) / 2, oy: (1 - (maxY - minY) / span) / 2 };
}

export function toUnitSquare(u: UnitSquare, x: number, y: number): [number, number] {
  return [u.ox + (x - u.minX) / u.span, u.oy + (y - u.minY) / u.span];
}

/** Scales points into [0, 1] x [0, 1] keeping the aspect ratio (centred). */
export function normalise(p: Points2D): Points2D {
  const u = unitSquareOf(p);
  return p.map((v, i) => (i % 2 === 0 ? u.ox + (v - u.minX) / u.span : u.oy + (v - u.minY) / u.span));
}

export function pca2d(reduced: number[][]): Points2D {
  return flatten(reduced.map((r) => [r[0] ?? 0, r[1] ?? 0]));
}

/** Called after each optimisation step of a long projection (UMAP epochs, t-SNE iterations). */
export type StepProgress = (done: number, total: number) => void;

export function umap2d(reduced: number[][], seed: number, onStep?: StepProgress): Points2D {
  const model = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, reduced.length - 1), minDist: 0.1, random: seededRandom(seed) });
  // fit() is initializeFit + every epoch; stepping by hand gives the same layout and a progress count.
  const epochs = model.initializeFit(reduced);
  for (let e = 0; e < epochs; e++) {
    model.step();
    onStep?.(e + 1, epochs);
  }
  return flatten(model.getEmbedding());
}

export function tsne2d(reduced: number[][], seed: number, iterations = 300, onStep?: StepProgress): Points2D {
  const model = new druid.TSNE(druid.Matrix.from(reduced), { d: 2, perplexity: Math.min(30, Math.max(2, Math.floor((reduced.length - 1) / 3))), seed });
  let projection: unknown;
  let i = 0;
  for (const y of model.generator(iterations)) {
    projection = y;
    onStep?.(++i, iterations);
  }
  return flatten(toRows(projection as { shape: number[]; row(i: number): ArrayLike<number> }));
}

/** 2-D projections of a channel's vectors: PCA (druidjs), UMAP (umap-js) and t-SNE (druidjs), all seeded. */
import * as druid from '@saehrimnir/druidjs';
import { UMAP } from 'umap-js';
import { seededRandom } from '../util/random.js';

export type Points2D = Float32Array; // n x 2

function toRows(m: { shape: number[]; row(i: number): ArrayLike<number> }): number[][] {
  return Array.from({ length: m.shape[0]! }, (_, i) => Array.from(m.row(i)));
}

/** PCA to d dimensions (d <= number of columns); returns rows. */
export function pca(vectors: Float32Array[], d: number, seed: number): number[][] {
  const dims = Math.min(d, vectors[0]!.length, vectors.length);
  const model = new druid.PCA(druid.Matrix.from(vectors.map((v) => Array.from(v))), { d: dims, seed });
  return toRows(model.transform() as unknown as { shape: number[]; row(i: number): ArrayLike<number> });
}

function flatten(rows: number[][]): Points2D {
  const out = new Float32Array(rows.length * 2);
  rows.forEach((r, i) => ((out[i * 2] = r[0]!), (out[i * 2 + 1] = r[1]!)));
  return normalise(out);
}

/** Scales points into [0, 1] x [0, 1] keeping the aspect ratio (centred). */
export function normalise(p: Points2D): Points2D {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < p.length; i += 2) {
    minX = Math.min(minX, p[i]!);
    maxX = Math.max(maxX, p[i]!);
    minY = Math.min(minY, p[i + 1]!);
    maxY = Math.max(maxY, p[i + 1]!);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const ox = (1 - (maxX - minX) / span) / 2;
  const oy = (1 - (maxY - minY) / span) / 2;
  return p.map((v, i) => (i % 2 === 0 ? ox + (v - minX) / span : oy + (v - minY) / span));
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

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { pca } from './projections.js';

/** Vectors around an offset mean, spread along two known orthogonal directions (variance about 9 and 1) plus a little noise. */
function planted(n: number, dim: number, mirrored = false) {
  const random = seededRandom(3);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  // e1's largest entry is its first (a clear one), negated when `mirrored`: the same cloud reflected along e1.
  const e1Norm = Math.sqrt(dim - 1 + 9);
  const e1 = Float32Array.from({ length: dim }, (_, j) => ((j === 0 ? 3 : j % 2 === 0 ? 1 : -1) * (mirrored ? -1 : 1)) / e1Norm);
  const e2 = Float32Array.from({ length: dim }, (_, j) => (j < dim / 2 ? 1 : -1) / Math.sqrt(dim));
  // Centred and uncorrelated in the sample itself, so the sample's principal axes are e1 and e2.
  const centred = (x: number[]) => x.map((v) => v - x.reduce((s, w) => s + w, 0) / n);
  const a = centred(Array.from({ length: n }, () => 3 * gauss()));
  const raw = centred(Array.from({ length: n }, () => gauss()));
  const along = raw.reduce((s, v, i) => s + v * a[i]!, 0) / a.reduce((s, v) => s + v * v, 0);
  const b = raw.map((v, i) => v - along * a[i]!);
  const vectors = a.map((ai, i) => Float32Array.from({ length: dim }, (_, j) => 5 + ai * e1[j]! + b[i]! * e2[j]! + 0.01 * gauss()));
  return { vectors, a, b };
}

function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0, sxx = 0, syy = 0;
  x.forEach((v, i) => ((sxy += (v - mx) * (y[i]! - my)), (sxx += (v - mx) ** 2), (syy += (y[i]! - my) ** 2)));
  return sxy / Math.sqrt(sxx * syy);
}

describe('pca', () => {
  it.each([
    ['more vectors than dimensions (covariance, solved whole)', 400, 64],
    ['fewer vectors than dimensions (Gram matrix, solved whole)', 60, 500],
    ['a covariance too large to solve whole (subspace iteration, as a real atlas)', 700, 400],
  ])('finds the planted directions in order, centred, deterministic: %s', async (_, n, dim) => {
    const { vectors, a, b } = planted(n, dim);
    const rows = await pca(vectors, 5);
    expect(rows).toHaveLength(n);
    expect(rows[0]).toHaveLength(5);
    expect(Math.abs(correlation(rows.map((r) => r[0]!), a))).toBeGreaterThan(0.999);
    expect(Math.abs(correlation(rows.map((r) => r[1]!), b))).toBeGreaterThan(0.99);
    for (let c = 0; c < 5; c++) expect(Math.abs(rows.reduce((s, r) => s + r[c]!, 0) / n)).toBeLessThan(1e-3);
    expect(await pca(vectors, 5)).toEqual(rows);
  });

  it('gives the components past the planted two almost no variance', async () => {
    const { vectors } = planted(300, 48);
    const rows = await pca(vectors, 6);
    const variance = (c: number) => rows.reduce((s, r) => s + r[c]! ** 2, 0) / rows.length;
    for (let c = 2; c < rows[0]!.length; c++) expect(variance(c)).toBeLessThan(1e-3 * variance(0));
  });

  it('points each axis so that its largest entry is positive: a cloud and its mirror image get mirrored coordinates', async () => {
    // Both clouds have the same covariance, so an eigensolver returns the same axis for both; only the rule can make
    // the first coordinate grow with the dominant input coordinate in each.
    for (const mirrored of [false, true]) {
      const { vectors } = planted(300, 48, mirrored);
      const rows = await pca(vectors, 2);
      expect(correlation(rows.map((r) => r[0]!), vectors.map((v) => v[0]!))).toBeGreaterThan(0.9);
    }
  });
});

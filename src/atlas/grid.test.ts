import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { assignExact, assignGrid, displacement, gridShape, knnOverlap } from './grid.js';

const points = (n: number, seed: number): Float32Array => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: 2 * n }, () => r() * 10);
};

describe('grid layout', () => {
  it('gives every point its own cell in a grid just large enough', () => {
    for (const n of [1, 7, 60, 333]) {
      const { cols, rows } = gridShape(n);
      expect(cols * rows).toBeGreaterThanOrEqual(n);
      const layout = assignGrid(points(n, n));
      expect(new Set(layout.cell).size).toBe(n);
      for (const c of layout.cell) expect(c).toBeLessThan(layout.cols * layout.rows);
    }
  });

  it('stays close to the exact (Hungarian) assignment and keeps neighbourhoods', () => {
    const p = points(80, 3);
    const fast = assignGrid(p);
    const exact = assignExact(p);
    expect(displacement(p, fast)).toBeLessThan(3 * displacement(p, exact));
    expect(displacement(p, exact)).toBeLessThanOrEqual(displacement(p, fast) + 1e-9);
    expect(knnOverlap(p, p)).toBe(1);
  });
});

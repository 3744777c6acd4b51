import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { l2normalize } from '../util/vectors.js';
import { allNearest } from './all-nearest.js';

function unitVectors(n: number, d: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  // Clustered, as posters are: 20 centres with noise.
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: d }, () => random() - 0.5));
  return Array.from({ length: n }, (_, i) => l2normalize(Float32Array.from(centres[i % 20]!, (c) => c + (random() - 0.5) * 0.6)));
}

function bruteForce(vectors: Float32Array[], k: number): number[][] {
  return vectors.map((v, i) =>
    vectors
      .map((w, j) => ({ j, s: j === i ? -Infinity : v.reduce((t, x, c) => t + x * w[c]!, 0) }))
      .sort((a, b) => b.s - a.s || a.j - b.j)
      .slice(0, k)
      .map((x) => x.j),
  );
}

describe('allNearest', () => {
  it('gives exactly the brute-force neighbours for narrow vectors', async () => {
    const vectors = unitVectors(300, 64, 3);
    expect(await allNearest(vectors, 8)).toEqual(bruteForce(vectors, 8));
  });

  it('finds nearly all of them through the projection for wide vectors, and never the vector itself', async () => {
    const vectors = unitVectors(300, 1024, 5);
    const found = await allNearest(vectors, 10);
    const truth = bruteForce(vectors, 10);
    let hits = 0;
    found.forEach((row, i) => {
      expect(row).not.toContain(i);
      hits += row.filter((j) => truth[i]!.includes(j)).length;
    });
    expect(hits / (300 * 10)).toBeGreaterThan(0.95);
  });
});

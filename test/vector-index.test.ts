import { describe, expect, it } from 'vitest';
import { ExactIndex } from '../dist/search/exact-index.js';
import { HnswIndex } from '../dist/search/hnsw-index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Clustered synthetic vectors: realistic neighbourhoods, unlike uniform noise. */
function synthetic(n: number, dim: number, seed = 1): Float32Array[] {
  const r = rng(seed);
  const centres = Array.from({ length: 50 }, () => Float32Array.from({ length: dim }, () => r() - 0.5));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * centres.length)]!;
    return Float32Array.from(c, (x) => x + (r() - 0.5) * 0.6);
  });
}

function bruteForce(vectors: Float32Array[], q: Float32Array, k: number, skip = new Set<number>()): number[] {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  const nq = norm(q);
  return vectors
    .map((v, key) => ({ key, s: v.reduce((a, x, i) => a + x * q[i]!, 0) / (norm(v) * nq) }))
    .filter((h) => !skip.has(h.key))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((h) => h.key);
}

describe('ExactIndex', () => {
  it('returns the brute-force top-k, honours allow/exclude, removes and updates', async () => {
    const vectors = synthetic(600, 32);
    const index = new ExactIndex(32, 4);
    await index.upsert(vectors.map((vector, key) => ({ key, vector })));
    const q = vectors[17]!;
    expect((await index.search(q, 10)).map((h) => h.key)).toEqual(bruteForce(vectors, q, 10));
    const allow = new Set([3, 5, 7, 9, 11]);
    expect((await index.search(q, 3, { allow })).every((h) => allow.has(h.key))).toBe(true);
    expect((await index.search(q, 5, { exclude: new Set([17]) })).map((h) => h.key)).toEqual(bruteForce(vectors, q, 5, new Set([17])));
    await index.remove([17]);
    expect(index.size()).toBe(599);
    expect((await index.search(q, 1))[0]!.key).not.toBe(17);
    await index.upsert([{ key: 4, vector: q }]);
    expect((await index.search(q, 1))[0]).toMatchObject({ key: 4 });
    const s = await index.scores(q, [4, 17]);
    expect(s[0]).toBeCloseTo(1, 5);
    expect(Number.isNaN(s[1])).toBe(true);
  });
});

describe('HnswIndex', () => {
  it('reaches recall@10 >= 0.95 against exact search and honours filters', async () => {
    const dim = 64;
    const vectors = synthetic(5000, dim, 7);
    const index = new HnswIndex(dim, 1000);
    await index.upsert(vectors.map((vector, key) => ({ key, vector })));
    const queries = synthetic(50, dim, 99);
    let found = 0;
    for (const q of queries) {
      const truth = new Set(bruteForce(vectors, q, 10));
      found += (await index.search(q, 10)).filter((h) => truth.has(h.key)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
    const even = new Set(Array.from({ length: 2500 }, (_, i) => i * 2));
    const hits = await index.search(queries[0]!, 10, { allow: even, exclude: new Set([0]) });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.key % 2 === 0 && h.key !== 0)).toBe(true);
    await index.remove([hits[0]!.key]);
    expect((await index.search(queries[0]!, 10)).map((h) => h.key)).not.toContain(hits[0]!.key);
  });
});

/** The centred index ranks and scores exactly as cosines of explicitly centred vectors would. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { dot, l2normalize } from '../util/vectors.js';
import { CentredIndex } from './centred-index.js';
import { ExactIndex } from './exact-index.js';

describe('CentredIndex', () => {
  const random = seededRandom(7);
  const dim = 16;
  // Vectors sharing a big common component, as ReLU features do.
  const common = Float32Array.from({ length: dim }, () => 1);
  const vectors = Array.from({ length: 200 }, () => l2normalize(Float32Array.from(common, (c) => c + (random() - 0.5) * 1.5)));
  const mean = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) mean[i]! += v[i]! / vectors.length;
  const centred = (v: Float32Array) => l2normalize(Float32Array.from(v, (x, i) => x - mean[i]!));

  it('gives the cosines of centred vectors and their ranking', async () => {
    const inner = new ExactIndex(dim, vectors.length);
    await inner.upsert(vectors.map((vector, key) => ({ key, vector })));
    const index = new CentredIndex(inner, mean);
    const query = vectors[3]!;
    const truth = vectors.map((v, key) => ({ key, score: dot(centred(query), centred(v)) })).filter((h) => h.key !== 3).sort((a, b) => b.score - a.score);
    const hits = await index.search(query, 10, { exclude: new Set([3]) });
    expect(hits.map((h) => h.key)).toEqual(truth.slice(0, 10).map((h) => h.key));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(truth[i]!.score, 5));
    const s = await index.scores(query, [5, 9999]);
    expect(s[0]).toBeCloseTo(dot(centred(query), centred(vectors[5]!)), 5);
    expect(Number.isNaN(s[1])).toBe(true);
  });

  it('scores a vector replaced after loading against the same mean', async () => {
    const inner = new ExactIndex(dim, vectors.length);
    await inner.upsert(vectors.map((vector, key) => ({ key, vector })));
    const index = new CentredIndex(inner, mean);
    await index.scores(vectors[0]!, [7]); // caches key 7's dot with the mean
    await index.upsert([{ key: 7, vector: vectors[8]! }]);
    expect((await index.scores(vectors[0]!, [7]))[0]).toBeCloseTo(dot(centred(vectors[0]!), centred(vectors[8]!)), 5);
  });
});

/**
 * The whitened index: a conformant VectorIndex (identity transform: plain cosines; a learned one:
 * cosines of explicitly whitened vectors), exact scores for any key, consistent after upserts and
 * removals, and fewer hubs than centring on data whose variance sits in a few directions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hubStats } from '../analysis/hubness.js';
import { seededRandom } from '../util/random.js';
import { dot, l2normalize, meanVector } from '../util/vectors.js';
import { CentredIndex } from './centred-index.js';
import { ExactIndex } from './exact-index.js';
import { filterResolver } from './index-factory.js';
import { conformanceVectors, vectorIndexConformance } from './vector-index.conformance.js';
import { WhitenedIndex } from './whitened-index.js';
import { principalAxes, Whitening, type PrincipalAxes } from './whitening.js';

/** W = I: the whitened cosine is the plain cosine. */
function identity(dim: number): Whitening {
  const axes: PrincipalAxes = {
    mean: new Float64Array(dim),
    variances: new Float64Array(dim).fill(1),
    axes: Array.from({ length: dim }, (_, i) => Float64Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0))),
  };
  return new Whitening(axes, { components: dim, power: 0.5, centre: false });
}

vectorIndexConformance(
  'whitened (identity transform)',
  async (dim, rows, metric) => ({
    index: new WhitenedIndex(new ExactIndex(dim, 4, filterResolver(async () => rows), metric), identity(dim), new ExactIndex(dim, 4, filterResolver(async () => rows))),
    close: async () => undefined,
  }),
  // A cosine correction: loadChannelIndex applies it to cosine channels only.
  { exact: true, metrics: ['cosine'] },
);

const learned = await Whitening.learn(conformanceVectors(), { components: 24, power: 0.25, centre: true });
const centredOn = () => Float32Array.from(meanVector(conformanceVectors()));
vectorIndexConformance(
  'whitened (24 of 48 axes, power 0.25, around a centred index; whitened copies in an exact index)',
  async (dim, rows, metric) => {
    const resolve = filterResolver(async () => rows);
    return { index: new WhitenedIndex(new CentredIndex(new ExactIndex(dim, 4, resolve, metric), centredOn()), learned, new ExactIndex(24, 4, resolve)), close: async () => undefined };
  },
  { exact: true, similarity: (a, b) => dot(learned.apply(a), learned.apply(b)), metrics: ['cosine'] },
);

/** An engine index filled elsewhere: the whitened index reads the vectors it meets (here from a map). */
vectorIndexConformance(
  'whitened (the same, around an engine-like index: over-fetched candidates, vectors read when met)',
  async (dim, rows, metric) => {
    const inner = new ExactIndex(dim, 4, filterResolver(async () => rows), metric);
    const stored = new Map<number, Float32Array>();
    const engine = {
      kind: 'engine',
      dimension: dim,
      size: () => inner.size(),
      upsert: async (entries: { key: number; vector: Float32Array }[]) => (entries.forEach((e) => stored.set(e.key, e.vector)), inner.upsert(entries)),
      remove: async (keys: number[]) => (keys.forEach((k) => stored.delete(k)), inner.remove(keys)),
      search: inner.search.bind(inner),
      scores: inner.scores.bind(inner),
    };
    return { index: new WhitenedIndex(new CentredIndex(engine, centredOn()), learned, async (keys) => keys.map((k) => stored.get(k))), close: async () => undefined };
  },
  { exact: false, similarity: (a, b) => dot(learned.apply(a), learned.apply(b)), metrics: ['cosine'] },
);

describe('WhitenedIndex', () => {
  const random = seededRandom(11);
  const dim = 32;
  // A common component (ReLU-like) and variance that falls off with the axis.
  const vectors = Array.from({ length: 300 }, () => l2normalize(Float32Array.from({ length: dim }, (_, i) => 1 + (random() - 0.5) * (4 / (1 + i)))));
  let whitening: Whitening;
  beforeAll(async () => {
    whitening = await Whitening.learn(vectors, { components: 12, power: 0.25, centre: true });
  });
  const white = (v: Float32Array) => whitening.apply(v);
  const build = async () => {
    const index = new WhitenedIndex(new ExactIndex(dim, vectors.length), whitening, new ExactIndex(12, vectors.length));
    await index.upsert(vectors.map((vector, key) => ({ key, vector })));
    return index;
  };

  it('whitens to unit vectors of the kept axes', () => {
    expect(whitening.dimension).toBe(12);
    const w = white(vectors[0]!);
    expect(w).toHaveLength(12);
    expect(dot(w, w)).toBeCloseTo(1, 5);
  });

  it('projects without re-normalising: inner products of images are the inputs\' within the span, shorter for an input off it', async () => {
    const pca = await Whitening.learn(vectors.slice(0, 100), { components: 32, power: 0, centre: false });
    const [a, b] = [vectors[1]!, vectors[2]!];
    // All axes kept: the projection is a rotation.
    expect(dot(pca.project(a), pca.project(b))).toBeCloseTo(dot(a, b), 4);
    expect(dot(pca.project(a), pca.project(a))).toBeCloseTo(1, 4);
    const few = await Whitening.learn(vectors.slice(0, 100), { components: 4, power: 0, centre: false });
    const off = l2normalize(Float32Array.from({ length: dim }, (_, i) => (i % 2 ? 1 : -1)));
    expect(dot(few.project(off), few.project(off))).toBeLessThan(dot(few.project(a), few.project(a)));
    expect(dot(few.apply(off), few.apply(off))).toBeCloseTo(1, 4);
    const batch = await few.applyAll(vectors.slice(0, 70), false);
    // The batched path (a matrix product on onnxruntime) gives the same images.
    few.project(vectors[3]!).forEach((x, i) => expect(batch[3]![i]).toBeCloseTo(x, 4));
  });

  it('learns the leading axes by subspace iteration as the full eigendecomposition has them (covariance and Gram)', async () => {
    const data = Array.from({ length: 900 }, () => l2normalize(Float32Array.from({ length: 400 }, (_, i) => 0.5 + (random() - 0.5) / Math.sqrt(1 + i))));
    const full = await principalAxes(data, true);
    const top = await principalAxes(data, true, { components: 20 });
    expect(top.axes).toHaveLength(20);
    // Variances: the leading ones exact, those near the cut (slower to converge) within 2 %.
    for (let i = 0; i < 20; i++) expect(Math.abs(top.variances[i]! / full.variances[i]! - 1)).toBeLessThan(i < 10 ? 0.002 : 0.02);
    // The leading axes agree up to sign.
    for (let i = 0; i < 5; i++) expect(Math.abs(Array.from(top.axes[i]!).reduce((s, x, j) => s + x * full.axes[i]![j]!, 0))).toBeGreaterThan(0.99);
    // Fewer vectors than dimensions: from the Gram matrix.
    const few = data.slice(0, 350);
    const fewFull = await principalAxes(few, true);
    const fewTop = await principalAxes(few, true, { components: 20 });
    for (let i = 0; i < 20; i++) expect(Math.abs(fewTop.variances[i]! / fewFull.variances[i]! - 1)).toBeLessThan(i < 10 ? 0.002 : 0.02);
    for (let i = 0; i < 5; i++) expect(Math.abs(Array.from(fewTop.axes[i]!).reduce((s, x, j) => s + x * fewFull.axes[i]![j]!, 0))).toBeGreaterThan(0.99);
    // Unit axes.
    expect(Array.from(fewTop.axes[3]!).reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
  });

  it('gives the cosines of whitened vectors and their ranking', async () => {
    const index = await build();
    expect(index.kind).toBe('exact+whitened');
    const query = vectors[3]!;
    const truth = vectors.map((v, key) => ({ key, score: dot(white(query), white(v)) })).filter((h) => h.key !== 3).sort((a, b) => b.score - a.score);
    const hits = await index.search(query, 10, { exclude: new Set([3]) });
    expect(hits.map((h) => h.key)).toEqual(truth.slice(0, 10).map((h) => h.key));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(truth[i]!.score, 5));
    const s = await index.scores(query, [5, 9999]);
    expect(s[0]).toBeCloseTo(dot(white(query), white(vectors[5]!)), 5);
    expect(Number.isNaN(s[1])).toBe(true);
    // 300 posters × 12 axes × 4 bytes, and the transform.
    expect(await index.bytes()).toBe(300 * 12 * 4 + whitening.bytes);
  });

  it('scores a vector replaced or added after loading with the same transform, and forgets a removed one', async () => {
    const index = await build();
    await index.scores(vectors[0]!, [7]);
    await index.upsert([{ key: 7, vector: vectors[8]! }, { key: 500, vector: vectors[9]! }]);
    const s = await index.scores(vectors[0]!, [7, 500]);
    expect(s[0]).toBeCloseTo(dot(white(vectors[0]!), white(vectors[8]!)), 5);
    expect(s[1]).toBeCloseTo(dot(white(vectors[0]!), white(vectors[9]!)), 5);
    expect((await index.search(vectors[9]!, 2)).map((h) => h.key).sort((a, b) => a - b)).toEqual([9, 500]);
    await index.remove([7]);
    expect(Number.isNaN((await index.scores(vectors[0]!, [7]))[0])).toBe(true);
    expect((await index.search(vectors[8]!, 5)).map((h) => h.key)).not.toContain(7);
    expect(await index.size()).toBe(300);
  });

  it('reads the vectors of keys the inner index got elsewhere (an engine index), once', async () => {
    const inner = new ExactIndex(dim, vectors.length);
    await inner.upsert(vectors.map((vector, key) => ({ key, vector })));
    const asked: number[] = [];
    const index = new WhitenedIndex(inner, whitening, async (keys) => (asked.push(...keys), keys.map((k) => vectors[k])));
    const hits = await index.search(vectors[4]!, 3);
    expect(hits[0]).toMatchObject({ key: 4 });
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    const before = asked.length;
    expect((await index.scores(vectors[4]!, [hits[1]!.key]))[0]).toBeCloseTo(hits[1]!.score, 5);
    expect(asked.length).toBe(before);
  });

  it('refuses a transform of another dimension', () => {
    expect(() => new WhitenedIndex(new ExactIndex(dim + 1, 4), whitening, new ExactIndex(12, 4))).toThrow(/33-d index/);
    expect(() => new WhitenedIndex(new ExactIndex(dim, 4), whitening, new ExactIndex(dim, 4))).toThrow(/32-d vectors cannot hold 12-d/);
  });
});

describe('hub reduction on synthetic embeddings', () => {
  // ReLU-like features: a common component; a few directions of large, skewed variance that carry
  // no class (most posters near 0 on them, a few far out: lighting, framing); classes in many
  // directions of small variance. Centring removes the common component but not the skew: after
  // it, the many posters near 0 on the large directions share one pattern, and those closest to
  // it are near everything. Whitening scales the large directions down to the others.
  const random = seededRandom(5);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const dim = 96;
  const large = 8;
  const classes = 8;
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: dim }, (_, i) => (i < large ? 0 : gauss() * 0.25)));
  const labels = Array.from({ length: 1200 }, (_, i) => i % classes);
  const vectors = labels.map((c) => l2normalize(Float32Array.from({ length: dim }, (_, i) => 2 + (i < large ? Math.max(0, gauss()) * 4 : centres[c]![i]! + gauss() * 0.35))));
  const genres = labels.map((c) => [`class${c}`]);
  const spec = { components: 48, power: 0.5, centre: true };

  it('takes the worst hub and the top 1 % share down from centring, with more neighbours of the same class', async () => {
    const centred = hubStats(vectors, genres, 10, { kind: 'centre' });
    const whitened = hubStats(vectors, genres, 10, { kind: 'whiten', ...spec }, await principalAxes(vectors, spec.centre, { components: spec.components }));
    expect(centred.worstHub.occurrences).toBeGreaterThan(1.5 * whitened.worstHub.occurrences);
    expect(centred.top1PercentShare).toBeGreaterThan(1.5 * whitened.top1PercentShare);
    expect(whitened.genreSharing).toBeGreaterThan(centred.genreSharing + 0.1);

    // The served index (the whitened copies in an exact index) returns those lists.
    const index = new WhitenedIndex(new CentredIndex(new ExactIndex(dim, vectors.length), Float32Array.from(meanVector(vectors))), await Whitening.learn(vectors, spec), new ExactIndex(48, vectors.length));
    await index.upsert(vectors.map((vector, key) => ({ key, vector })));
    const counts = new Int32Array(vectors.length);
    for (let i = 0; i < vectors.length; i++) for (const h of await index.search(vectors[i]!, 10, { exclude: new Set([i]) })) counts[h.key]!++;
    expect(Math.max(...counts)).toBe(whitened.worstHub.occurrences);
  });
});

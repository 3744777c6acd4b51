/**
 * The VectorIndex conformance suite: every implementation (exact, HNSW, pgvector) runs these
 * same cases through a factory, as Hono runs one case file against all its routers. Data are
 * seeded clustered vectors with keys 1..n and movie metadata for the declarative filters; the
 * truth is brute force over the same data, computed here.
 */
import { describe, expect, it } from 'vitest';
import type { FilterRow } from '../store/types.js';
import { METRICS, similarity, type Metric } from '../util/metric.js';
import { seededRandom } from '../util/random.js';
import { matchesFilters, type SearchFilters } from '../store/filters.js';
import type { VectorIndex } from '../store/vector-index.js';

export interface IndexUnderTest {
  index: VectorIndex;
  close(): Promise<void>;
}

/** Builds an empty index of `dim` dimensions, ranking by `metric`, over movies with these keys and metadata. */
export type IndexFactory = (dim: number, rows: FilterRow[], metric: Metric) => Promise<IndexUnderTest>;

const GENRES = ['Drama', 'Comedy', 'Horror', 'Action', 'Romance'];
const COUNTRIES = ['US', 'FR', 'JP', 'IN'];

export interface ConformanceData {
  rows: FilterRow[];
  vectors: Float32Array[];
}

/** n clustered vectors (realistic neighbourhoods, unlike uniform noise) with keys 1..n and metadata. */
export function conformanceData(n: number, dim: number, seed = 1, clusters = 12): ConformanceData {
  const r = seededRandom(seed);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => r() - 0.5));
  const vectors = Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * centres.length)]!;
    return Float32Array.from(c, (x) => x + (r() - 0.5) * 0.5);
  });
  const rows = vectors.map((_, i) => ({
    key: i + 1,
    year: r() < 0.05 ? null : 1950 + Math.floor(r() * 70),
    genres: GENRES.filter(() => r() < 0.35),
    countries: COUNTRIES.filter(() => r() < 0.3),
  }));
  return { rows, vectors };
}

function cosineOf(a: Float32Array, b: Float32Array): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (d += a[i]! * b[i]!), (na += a[i]! * a[i]!), (nb += b[i]! * b[i]!);
  return d / Math.sqrt(na * nb);
}

function bruteForceBy(data: ConformanceData, q: Float32Array, k: number, filter: SearchFilters | undefined, exclude: Set<number>, score: (a: Float32Array, b: Float32Array) => number): { key: number; score: number }[] {
  return data.rows
    .filter((row) => !exclude.has(row.key) && (!filter || matchesFilters(row, filter)))
    .map((row) => ({ key: row.key, score: score(data.vectors[row.key - 1]!, q) }))
    .sort((a, b) => b.score - a.score || a.key - b.key)
    .slice(0, k);
}

/** The data of the cosine cases (48-d), for a factory that learns something from them (a hub correction). */
export const CONFORMANCE_DIM = 48;
export const conformanceVectors = (): Float32Array[] => conformanceData(400, CONFORMANCE_DIM, 3).vectors;

/**
 * `exact`: results must equal brute force; otherwise (approximate indexes) recall@10 must reach
 * 0.9 on these small, well-clustered sets. Scores are exact cosines in every implementation, or
 * exactly `similarity` for an index that ranks by another cosine-like score (a hub-corrected
 * cosine: 1 for a vector with itself); `metrics`: the metrics the index can be built with (all).
 */
export function vectorIndexConformance(
  name: string,
  make: IndexFactory,
  opts: { exact: boolean; similarity?: (a: Float32Array, b: Float32Array) => number; metrics?: readonly Metric[] },
): void {
  const cosine = opts.similarity ?? cosineOf;
  /** The truth of the metric cases: the index's own cosine-like score for cosine. */
  const score = (metric: Metric, a: Float32Array, b: Float32Array) => (metric === 'cosine' && opts.similarity ? opts.similarity(a, b) : similarity(metric, a, b));
  const bruteForce = (data: ConformanceData, q: Float32Array, k: number, filter?: SearchFilters, exclude = new Set<number>()) => bruteForceBy(data, q, k, filter, exclude, cosine);
  describe(`VectorIndex conformance: ${name}`, () => {
    const dim = CONFORMANCE_DIM;
    const data = conformanceData(400, dim, 3);
    const entries = data.vectors.map((vector, i) => ({ key: i + 1, vector }));
    const queries = conformanceData(20, dim, 77).vectors;

    const withIndex = async (fn: (index: VectorIndex) => Promise<void>): Promise<void> => {
      const t = await make(dim, data.rows, 'cosine');
      try {
        await t.index.upsert(entries);
        await fn(t.index);
      } finally {
        await t.close();
      }
    };

    const recall = (got: { key: number }[], want: { key: number }[]): number => {
      const truth = new Set(want.map((h) => h.key));
      return want.length === 0 ? 1 : got.filter((h) => truth.has(h.key)).length / want.length;
    };

    const expectMatches = (q: Float32Array, got: { key: number; score: number }[], want: { key: number; score: number }[]): void => {
      if (opts.exact) expect(got.map((h) => h.key)).toEqual(want.map((h) => h.key));
      else expect(recall(got, want)).toBeGreaterThanOrEqual(0.9);
      for (const h of got) expect(h.score).toBeCloseTo(cosine(data.vectors[h.key - 1]!, q), 4);
    };

    it('finds the nearest vectors, best first, with exact cosine scores', async () => {
      await withIndex(async (index) => {
        expect(await index.size()).toBe(400);
        let found = 0;
        for (const q of queries) {
          const got = await index.search(q, 10);
          const want = bruteForce(data, q, 10);
          expect(got).toHaveLength(10);
          if (opts.exact) expect(got.map((h) => h.key)).toEqual(want.map((h) => h.key));
          found += recall(got, want) * 10;
          for (let i = 1; i < got.length; i++) expect(got[i - 1]!.score).toBeGreaterThanOrEqual(got[i]!.score);
          for (const h of got) expect(h.score).toBeCloseTo(cosine(data.vectors[h.key - 1]!, q), 4);
        }
        expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(opts.exact ? 1 : 0.9);
      });
    });

    it('applies declarative filters: year range, all genres (any case), any country, combined', async () => {
      await withIndex(async (index) => {
        const filters: SearchFilters[] = [
          { yearFrom: 1990, yearTo: 1999 },
          { yearFrom: 2010 },
          { genres: ['drama', 'HORROR'] },
          { countries: ['jp', 'IN'] },
          { yearTo: 1970, genres: ['Comedy'], countries: ['US', 'FR'] },
        ];
        for (const filter of filters) {
          const allowed = data.rows.filter((r) => matchesFilters(r, filter)).length;
          expect(allowed).toBeGreaterThan(0);
          for (const q of queries.slice(0, 5)) {
            const got = await index.search(q, 10, { filter });
            const want = bruteForce(data, q, 10, filter);
            expect(got).toHaveLength(Math.min(10, allowed));
            for (const h of got) expect(matchesFilters(data.rows[h.key - 1]!, filter)).toBe(true);
            expectMatches(q, got, want);
          }
        }
      });
    });

    it('fills k under a very selective filter (about 2% of the vectors)', async () => {
      await withIndex(async (index) => {
        const filter: SearchFilters = { yearFrom: 1960, yearTo: 1961 };
        const allowed = data.rows.filter((r) => matchesFilters(r, filter)).length;
        expect(allowed).toBeGreaterThanOrEqual(5);
        const got = await index.search(queries[1]!, 5, { filter });
        expect(got).toHaveLength(5);
        expect(got.every((h) => matchesFilters(data.rows[h.key - 1]!, filter))).toBe(true);
      });
    });

    it('never returns excluded keys', async () => {
      await withIndex(async (index) => {
        const q = data.vectors[16]!; // key 17's own vector
        const first = await index.search(q, 1);
        expect(first[0]!.key).toBe(17);
        const exclude = new Set([17, ...bruteForce(data, q, 4).map((h) => h.key)]);
        const got = await index.search(q, 8, { exclude });
        expect(got).toHaveLength(8);
        expect(got.some((h) => exclude.has(h.key))).toBe(false);
        expectMatches(q, got, bruteForce(data, q, 8, undefined, exclude));
      });
    });

    it('removes and replaces vectors; scores() is exact and NaN for absent keys', async () => {
      await withIndex(async (index) => {
        const q = data.vectors[16]!;
        await index.remove([17]);
        expect(await index.size()).toBe(399);
        expect((await index.search(q, 5)).map((h) => h.key)).not.toContain(17);
        await index.upsert([{ key: 4, vector: q }]);
        expect(await index.size()).toBe(399);
        expect((await index.search(q, 1))[0]).toMatchObject({ key: 4 });
        const s = await index.scores(q, [4, 17, 9]);
        expect(s[0]).toBeCloseTo(1, 5);
        expect(Number.isNaN(s[1])).toBe(true);
        expect(s[2]).toBeCloseTo(cosine(data.vectors[8]!, q), 5);
      });
    });

    it('answers an empty index and k larger than the collection', async () => {
      const t = await make(dim, data.rows, 'cosine');
      try {
        expect(await t.index.search(queries[0]!, 5)).toEqual([]);
        await t.index.upsert(entries.slice(0, 3));
        expect((await t.index.search(queries[0]!, 10)).map((h) => h.key).sort()).toEqual([1, 2, 3]);
      } finally {
        await t.close();
      }
    });
  
    // Vectors of very different lengths (unnormalised CNN features): the metrics disagree here.
    const scaled = conformanceData(300, dim, 5);
    const lengths = seededRandom(9);
    scaled.vectors.forEach((v, i) => {
      const f = 0.2 + 4.8 * lengths();
      scaled.vectors[i] = Float32Array.from(v, (x) => x * f);
    });
    const rank = (metric: Metric, q: Float32Array, k: number) =>
      scaled.vectors
        .map((v, i) => ({ key: i + 1, score: score(metric, v, q) }))
        .sort((a, b) => b.score - a.score || a.key - b.key)
        .slice(0, k);

    it('the metrics rank unnormalised vectors differently (so the next case can fail)', () => {
      const q = queries[0]!;
      const keys = (m: Metric) => rank(m, q, 10).map((h) => h.key).join();
      expect(new Set(METRICS.map(keys)).size).toBe(3);
    });

    for (const metric of opts.metrics ?? METRICS)
      it(`ranks and scores by the ${metric} metric when built with it`, async () => {
        const t = await make(dim, scaled.rows, metric);
        try {
          await t.index.upsert(scaled.vectors.map((vector, i) => ({ key: i + 1, vector })));
          let found = 0;
          for (const q of queries.slice(0, 8)) {
            const want = rank(metric, q, 10);
            const got = await t.index.search(q, 10);
            if (opts.exact) expect(got.map((h) => h.key)).toEqual(want.map((h) => h.key));
            found += recall(got, want) * 10;
            for (const h of got) {
              const truth = score(metric, scaled.vectors[h.key - 1]!, q);
              expect(Math.abs(h.score - truth)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(truth)));
            }
            const s = await t.index.scores(q, [3, 5000]);
            expect(s[0]).toBeCloseTo(score(metric, scaled.vectors[2]!, q), 3);
            expect(Number.isNaN(s[1])).toBe(true);
          }
          expect(found / 80).toBeGreaterThanOrEqual(opts.exact ? 1 : 0.9);
        } finally {
          await t.close();
        }
      });
  });
}

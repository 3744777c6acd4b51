/**
 * The retriever conformance suite (retriever.ts): every retriever — engine-backed or in process,
 * film- or poster-level — runs these same cases on a fixture library, as every VectorIndex runs
 * vector-index.conformance.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SearchFilters } from '../store/filters.js';
import type { ScoringRetriever } from './query-channel.js';
import type { Retriever } from './retriever.js';

export interface RetrieverUnderTest {
  retriever: Retriever | ScoringRetriever;
  /** A filter that leaves out some of what the retriever finds, and the keys it allows. */
  filter: SearchFilters;
  allowed: ReadonlySet<number>;
}

const isScoring = (r: Retriever | ScoringRetriever): r is ScoringRetriever => 'scores' in r && typeof r.scores === 'function';

export function retrieverConformance(name: string, make: () => Promise<RetrieverUnderTest>): void {
  describe(`Retriever conformance: ${name}`, () => {
    const none = { exclude: new Set<number>() };

    it('returns at most k candidates, best first (ties by key), each key once', async () => {
      const { retriever } = await make();
      const all = await retriever.retrieve(50, none);
      expect(all.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < all.length; i++) {
        const [a, b] = [all[i - 1]!, all[i]!];
        expect(a.score > b.score || (a.score === b.score && a.key < b.key)).toBe(true);
      }
      expect(new Set(all.map((c) => c.key)).size).toBe(all.length);
      expect(await retriever.retrieve(1, none)).toHaveLength(1);
      expect(['movie', 'poster']).toContain(retriever.level);
    });

    it('gives the same order for any k: a smaller k is a prefix of a larger one', async () => {
      const { retriever } = await make();
      const all = (await retriever.retrieve(50, none)).map((c) => c.key);
      expect((await retriever.retrieve(2, none)).map((c) => c.key)).toEqual(all.slice(0, 2));
    });

    it('leaves excluded keys out and still returns k candidates when there are more', async () => {
      const { retriever } = await make();
      const all = (await retriever.retrieve(50, none)).map((c) => c.key);
      const exclude = new Set([all[0]!]);
      const rest = (await retriever.retrieve(all.length - 1, { exclude })).map((c) => c.key);
      expect(rest).not.toContain(all[0]);
      expect(rest).toEqual(all.slice(1));
    });

    it('keeps to the filter, given as the filter and as its keys', async () => {
      const { retriever, filter, allowed } = await make();
      const all = (await retriever.retrieve(50, none)).map((c) => c.key);
      const inside = all.filter((k) => allowed.has(k));
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.length).toBeLessThan(all.length);
      const filtered = (await retriever.retrieve(50, { filter, allow: allowed, exclude: new Set() })).map((c) => c.key);
      expect(filtered.every((k) => allowed.has(k))).toBe(true);
      expect(new Set(filtered)).toEqual(new Set(inside));
    });

    it('scores any key as it ranked it, when it scores keys (the z-score fusion)', async () => {
      const { retriever } = await make();
      if (!isScoring(retriever)) return;
      const all = await retriever.retrieve(50, none);
      const scores = await retriever.scores(all.map((c) => c.key));
      all.forEach((c, i) => expect(scores[i]).toBeCloseTo(c.score, 4));
      const reference = await retriever.reference();
      expect(reference.length).toBeGreaterThan(0);
    });
  });
}

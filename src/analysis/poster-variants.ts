/**
 * A film's posters sorted into designs: posters that are near-duplicates of each other by the
 * library's duplicate rule (duplicates.ts: content alike, aligned grey signatures ≥ 0.9; measured
 * on re-encodes, crops, recolourings) are variants of one design (a re-release with new credits,
 * another language's title); the rest are distinct designs. Designs are ordered by their earliest
 * known year, then by catalog order; posters within a design likewise.
 */
import type { ChannelIndexes } from '../search/channel-indexes.js';
import type { StoredPoster } from '../store/types.js';
import { DuplicateDetector, groupDuplicates, type DuplicatePair } from './duplicates.js';

export interface PosterDesign {
  /** The posters of this design (near-duplicates of each other), earliest first. */
  posters: StoredPoster[];
  /** Earliest year a poster of the design carries (null when none says). */
  year: number | null;
}

const byYearThenRank = (a: { year: number | null; rank: number }, b: { year: number | null; rank: number }): number =>
  (a.year ?? Infinity) - (b.year ?? Infinity) || a.rank - b.rank;

/**
 * The year a poster stands for: its own when the catalog gives one, else the film's for the main
 * poster (a film's main poster is, short of other word, the one of its release); null otherwise.
 */
export function posterYear(poster: Pick<StoredPoster, 'year' | 'rank'>, filmYear: number | null): number | null {
  return poster.year ?? (poster.rank === 0 ? filmYear : null);
}

/** The designs of a film's posters (one per poster when none are near-duplicates); `filmYear` dates a main poster without a year. */
export async function posterDesigns(indexes: ChannelIndexes, posters: StoredPoster[], filmYear: number | null): Promise<PosterDesign[]> {
  const keys = posters.map((p) => p.key);
  const pairs: DuplicatePair[] = [];
  if (posters.length > 1) {
    const detector = await DuplicateDetector.forPosters(indexes.store, keys);
    const channel = indexes.contentChannel();
    const model = indexes.modelOf(channel)!;
    const vectors = new Map<number, Float32Array>();
    for (const key of keys) {
      const v = await indexes.store.vectors.get(key, channel, model);
      if (v) vectors.set(key, v);
    }
    for (let i = 0; i < keys.length; i++) {
      const va = vectors.get(keys[i]!);
      if (!va) continue;
      const others = keys.slice(i + 1).filter((k) => vectors.has(k));
      const scores = await indexes.cosineScores(channel, va, others, vectors);
      others.forEach((b, j) => {
        const { duplicate, similarity } = detector.judge(keys[i]!, b, scores[j]!);
        if (duplicate) pairs.push({ a: Math.min(keys[i]!, b), b: Math.max(keys[i]!, b), similarity });
      });
    }
  }
  const grouped = groupDuplicates(pairs);
  const inGroup = new Set(grouped.flat());
  const byKey = new Map(posters.map((p) => [p.key, p]));
  const dated = (p: StoredPoster) => ({ year: posterYear(p, filmYear), rank: p.rank });
  const designs = [...grouped.map((g) => g.map((k) => byKey.get(k)!)), ...posters.filter((p) => !inGroup.has(p.key)).map((p) => [p])].map((group) => {
    const sorted = [...group].sort((a, b) => byYearThenRank(dated(a), dated(b)));
    const years = sorted.map((p) => posterYear(p, filmYear)).filter((y): y is number => y !== null);
    return { posters: sorted, year: years.length ? Math.min(...years) : null };
  });
  return designs.sort((a, b) => byYearThenRank({ year: a.year, rank: a.posters[0]!.rank }, { year: b.year, rank: b.posters[0]!.rank }));
}

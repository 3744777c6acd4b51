import { describe, expect, it } from 'vitest';
import { COLOR_HISTOGRAM_DIM } from '../design/color-histogram.js';
import type { StoredMovie } from '../store/types.js';
import { labelClusters, libraryShares, type ClusterMembers } from './labels.js';

let next = 0;
const movie = (genres: string[], year: number): StoredMovie => ({ key: next, id: String(next++), title: `Film ${next}`, year, genres, countries: [], overview: '', tagline: '', imdbId: null, extra: {}, hasPoster: true }) as unknown as StoredMovie;
/** A colour descriptor (sqrt histogram) with all its mass in one bin. */
const colour = (bin: number) => Float32Array.from({ length: COLOR_HISTOGRAM_DIM }, (_, i) => (i === bin ? 1 : 0));

function cluster(id: number, members: StoredMovie[], bin: number): ClusterMembers {
  return { id, members, colours: members.map(() => colour(bin)), central: members.slice(0, 3).map((m) => ({ id: m.id, title: m.title })) };
}

describe('cluster labels', () => {
  it('name what distinguishes a cluster (lift), not what every cluster has', () => {
    const dramas = Array.from({ length: 30 }, (_, i) => movie(['Comedy', 'Drama'], 1990 + (i % 10)));
    const horror = Array.from({ length: 10 }, () => movie(['Horror', 'Comedy'], 1982));
    const clusters = [cluster(0, dramas, 10), cluster(1, horror, 200)];
    const all = libraryShares([...dramas, ...horror], clusters.flatMap((c) => c.colours));
    const [a, b] = labelClusters(clusters, all);
    expect(b!.label.startsWith('Horror')).toBe(true);
    expect(b!.label).toContain('1980s');
    expect(a!.label).not.toContain('Horror');
  });

  it('never gives two clusters the same label', () => {
    const same = () => Array.from({ length: 12 }, () => movie(['Comedy', 'Drama'], 1995));
    const clusters = [cluster(0, same(), 50), cluster(1, same(), 50), cluster(2, same(), 50), cluster(3, same(), 300)];
    const all = libraryShares(clusters.flatMap((c) => c.members), clusters.flatMap((c) => c.colours));
    const labels = labelClusters(clusters, all).map((l) => l.label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

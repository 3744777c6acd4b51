import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { l2normalize } from '../util/vectors.js';
import { SEGMENTS, similarLooks, type MovieStills } from './looks.js';
import type { MovieLook } from './movie-look.js';

/** Films in `groups` groups of alike looks: stills near their group's direction, palettes and tones near their group's. */
function films(count: number, groups: number, seed = 5): MovieStills[] {
  const random = seededRandom(seed);
  const dim = 24;
  const directions = Array.from({ length: groups }, () => Float32Array.from({ length: dim }, () => random() - 0.5));
  return Array.from({ length: count }, (_, f) => {
    const g = f % groups;
    const vectors = Array.from({ length: 12 }, () => l2normalize(Float32Array.from(directions[g]!, (x) => x + 0.4 * (random() - 0.5))));
    const mean = l2normalize(Float32Array.from({ length: dim }, (_, t) => vectors.reduce((s, v) => s + v[t]!, 0)));
    const tone = g / groups;
    const look = {
      palette: [{ hex: '#808080', rgb: [128, 128, 128], lab: [40 + 40 * tone, 10 * tone, -10 * tone], share: 1, name: 'grey' }],
      hsl: { hueDistribution: Array.from({ length: 12 }, (_, i) => ({ share: i === g % 12 ? 1 : 0 })), saturation: { mean: tone }, lightness: { mean: 0.5 }, warmCoolBalance: 0 },
    } as unknown as MovieLook;
    return { key: f + 1, id: `film-${f}`, title: `Film ${f}`, vectors, mean, segments: Array.from({ length: SEGMENTS }, () => mean), look };
  });
}

describe('similarLooks', () => {
  it('compares every film in full when there are no more than the candidates', () => {
    const all = films(12, 3);
    expect(similarLooks(all, 'film-0', 5, 11)).toEqual(similarLooks(all, 'film-0', 5, Infinity));
  });

  it('past the candidates, keeps the films the full comparison ranks best', () => {
    const all = films(60, 6);
    for (const id of ['film-0', 'film-7', 'film-23']) {
      const full = similarLooks(all, id, 5, Infinity).map((m) => m.id);
      const quick = similarLooks(all, id, 5, 15).map((m) => m.id);
      expect(quick).toEqual(full);
      // Films of the same group (every 6th) come first.
      const group = Number(id.slice(5)) % 6;
      expect(full.every((f) => Number(f.slice(5)) % 6 === group)).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { l2normalize } from '../util/vectors.js';
import { lookParts, SEGMENTS, similarLooks, type MovieStills } from './looks.js';
import type { MovieLook } from './movie-look.js';

/** Films in `groups` groups of alike looks: stills near their group's direction, palettes and tones near their group's. */
function films(count: number, groups: number, seed = 5, stills = 12): MovieStills[] {
  const random = seededRandom(seed);
  const dim = 24;
  const directions = Array.from({ length: groups }, () => Float32Array.from({ length: dim }, () => random() - 0.5));
  return Array.from({ length: count }, (_, f) => {
    const g = f % groups;
    const vectors = Array.from({ length: stills }, () => l2normalize(Float32Array.from(directions[g]!, (x) => x + 0.4 * (random() - 0.5))));
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
  it('compares every film in full when there are no more than the candidates', async () => {
    const all = films(12, 3);
    expect(await similarLooks(all, 'film-0', 5, 11)).toEqual(await similarLooks(all, 'film-0', 5, Infinity));
  });

  it('past the candidates, keeps the films the full comparison ranks best', async () => {
    const all = films(60, 6);
    for (const id of ['film-0', 'film-7', 'film-23']) {
      const full = (await similarLooks(all, id, 5, Infinity)).map((m) => m.id);
      const quick = (await similarLooks(all, id, 5, 15)).map((m) => m.id);
      expect(quick).toEqual(full);
      // Films of the same group (every 6th) come first.
      const group = Number(id.slice(5)) % 6;
      expect(full.every((f) => Number(f.slice(5)) % 6 === group)).toBe(true);
    }
  });

  it('reads many films\' chamfers off one matrix product, as the pairwise loops compute them', async () => {
    const all = films(140, 4, 9, 40); // 40 × 5,560 still pairs: past the loops
    const target = all[3]!;
    const ranked = await similarLooks(all, target.id, 10, Infinity);
    for (const m of ranked) expect(m.parts.chamfer).toBeCloseTo(lookParts(target, all.find((f) => f.id === m.id)!).chamfer, 5);
  });
});

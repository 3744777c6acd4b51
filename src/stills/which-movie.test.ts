import { describe, expect, it } from 'vitest';
import type { StoredStill } from '../store/types.js';
import { seededRandom } from '../util/random.js';
import { centreOn, dot, meanVector } from '../util/vectors.js';
import { HUB_K, StillsMatcher, TOP_PER_MOVIE, WHICH_WEIGHTS } from './which-movie.js';

/** Stills of `films` films: each film a direction of its own plus noise, in both channels. */
function clusteredStills(films: number, perFilm: number, dims = { content: 48, color: 20 }, seed = 3): StoredStill[] {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centre = (d: number) => Float32Array.from({ length: d }, () => Math.abs(gauss()));
  const centres = Array.from({ length: films }, () => ({ content: centre(dims.content), color: centre(dims.color) }));
  const noisy = (c: Float32Array) => Float32Array.from(c, (x) => Math.max(0, x + 0.6 * gauss()));
  const out: StoredStill[] = [];
  for (let f = 0; f < films; f++)
    for (let i = 0; i < perFilm; i++)
      out.push({
        key: out.length + 1, movieKey: 100 + f, seq: i + 1, path: `f${f}/${i}.jpg`, timestamp: null, contentHash: `${f}-${i}`,
        content: noisy(centres[f]!.content), color: noisy(centres[f]!.color), layout: new Float32Array(0), look: {} as StoredStill['look'],
      });
  return out;
}

/** The documented ranking, written out plainly: centred cosines, CSLS hub terms over all other stills, mean of each film's best five. */
function reference(stills: StoredStill[], query: { content: Float32Array; color: Float32Array }): { key: number; score: number }[] {
  const cm = meanVector(stills.map((s) => s.content));
  const km = meanVector(stills.map((s) => s.color));
  const rows = stills.map((s) => ({ content: centreOn(s.content, cm), color: centreOn(s.color, km) }));
  const sim = (a: (typeof rows)[number], b: (typeof rows)[number]) => WHICH_WEIGHTS.content * dot(a.content, b.content) + WHICH_WEIGHTS.color * dot(a.color, b.color);
  const hubs = rows.map((r, i) => rows.map((o, j) => (i === j ? -Infinity : sim(r, o))).sort((a, b) => b - a).slice(0, HUB_K).reduce((s, x) => s + x, 0) / HUB_K);
  const q = { content: centreOn(query.content, cm), color: centreOn(query.color, km) };
  const perFilm = new Map<number, number[]>();
  rows.forEach((r, j) => perFilm.set(stills[j]!.movieKey, [...(perFilm.get(stills[j]!.movieKey) ?? []), sim(q, r) - hubs[j]! / 2]));
  return [...perFilm]
    .map(([key, xs]) => {
      const best = xs.sort((a, b) => b - a).slice(0, TOP_PER_MOVIE);
      return { key, score: best.reduce((s, x) => s + x, 0) / best.length };
    })
    .sort((a, b) => b.score - a.score || a.key - b.key);
}

describe('StillsMatcher', () => {
  it('without the projection ranks films as the documented formula does (hub terms from block matrix products)', async () => {
    const stills = clusteredStills(6, 30);
    const matcher = await StillsMatcher.prepare(stills, { axes: 0, annThreshold: Infinity });
    for (const q of [stills[4]!, stills[77]!, stills[170]!]) {
      const got = await matcher.rank(q);
      const want = reference(stills, q);
      expect(got.map((r) => r.key)).toEqual(want.map((r) => r.key));
      got.forEach((r, i) => expect(r.score).toBeCloseTo(want[i]!.score, 4));
    }
  });

  it('projects content on the leading axes when there are enough stills, keeping fewer floats a still', async () => {
    const stills = clusteredStills(6, 30);
    const full = await StillsMatcher.prepare(stills, { axes: 0, annThreshold: Infinity });
    const reduced = await StillsMatcher.prepare(stills, { axes: 16, annThreshold: Infinity });
    expect(reduced.bytes).toBe(stills.length * (16 + 20) * 4);
    expect(full.bytes).toBe(stills.length * (48 + 20) * 4);
    // Too few stills for 128 axes (fewer than twice as many): centred only.
    expect((await StillsMatcher.prepare(stills, { axes: 128 })).bytes).toBe(full.bytes);
    let same = 0;
    for (const q of stills) if ((await full.rank(q))[0]!.key === (await reduced.rank(q))[0]!.key) same++;
    expect(same / stills.length).toBeGreaterThan(0.9);
  });

  it('past the ANN threshold ranks from a shortlist of the HNSW index and names the film the exact ranking names', async () => {
    const stills = clusteredStills(12, 40);
    const exact = await StillsMatcher.prepare(stills, { axes: 0, annThreshold: Infinity });
    const ann = await StillsMatcher.prepare(stills, { axes: 0, annThreshold: 100, shortlist: 60 });
    expect(exact.approximate).toBe(false);
    expect(ann.approximate).toBe(true);
    let same = 0;
    for (const q of stills.filter((_, i) => i % 4 === 0)) {
      if ((await ann.rank(q))[0]!.key === (await exact.rank(q))[0]!.key) same++;
    }
    expect(same).toBe(stills.length / 4);
  });

  it('ranks with scores no film can exceed from stills outside the shortlist (filled up with their bound)', async () => {
    const stills = clusteredStills(12, 40);
    const ann = await StillsMatcher.prepare(stills, { axes: 0, annThreshold: 100, shortlist: 8 });
    const ranked = await ann.rank(stills[0]!);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
    expect(ranked[0]!.key).toBe(100);
  });
});

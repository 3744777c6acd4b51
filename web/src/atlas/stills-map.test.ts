/** The stills map's points and colourings: pure functions of the columns GET /api/stills/atlas sends. */
import { describe, expect, it } from 'vitest';
import type { StillsAtlas } from '../api.js';
import { hueColour, pointsOf, stillsColouring } from './stills-map.js';

function mapOf(films: number, perFilm: number): StillsAtlas {
  const n = films * perFilm;
  const col = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  return {
    meta: { k: 2, clusters: [{ id: 1, label: 'dim', size: n / 2 }, { id: 0, label: 'bright', size: n / 2 }] } as unknown as StillsAtlas['meta'],
    films: Array.from({ length: films }, (_, f) => ({ id: `f${f}`, title: `Film ${f}`, year: f ? 2000 + f : null })),
    stills: { film: col((i) => Math.floor(i / perFilm)), seq: col((i) => (i % perFilm) + 1), x: col((i) => i / n), y: col(() => 0.5), cell: col((i) => i), cluster: col((i) => i % 2), hue: col((i) => (i % 3 === 0 ? -1 : (i * 37) % 360)), sheet: col(() => 0), slot: col((i) => i) },
  };
}

describe('stills map', () => {
  it('builds one point per still from the columns, named by film and number', () => {
    const points = pointsOf(mapOf(2, 3));
    expect(points.map((p) => p.id)).toEqual(['f0/1', 'f0/2', 'f0/3', 'f1/1', 'f1/2', 'f1/3']);
    expect(points[4]).toMatchObject({ film: 1, seq: 2, cell: 4, slot: 4, cluster: 0, pca: [4 / 6, 0.5] });
  });

  it('colours by film, the biggest films one by one and the rest together', () => {
    const map = mapOf(20, 2);
    map.stills.film[0] = 19; // film 19 has three stills, film 0 one
    const { tints, entries } = stillsColouring(pointsOf(map), map, 'film');
    expect(entries[0]).toMatchObject({ label: 'Film 19 (2019)', count: 3 });
    expect(entries.at(-1)).toMatchObject({ label: '3 other films', count: 1 + 2 + 2 });
    expect(entries.reduce((n, e) => n + e.count, 0)).toBe(40);
    expect(new Set(tints).size).toBe(18);
  });

  it('colours by hue, stills without one grey, and by cluster with their labels', () => {
    const map = mapOf(1, 6);
    const points = pointsOf(map);
    const { tints, entries } = stillsColouring(points, map, 'hue');
    expect(tints[0]).toBe(0x555555);
    expect(tints[1]).toBe(hueColour(37));
    expect(entries.at(-1)).toMatchObject({ label: 'no hue (grey, dark)', count: 2 });
    const clusters = stillsColouring(points, map, 'cluster').entries;
    expect(clusters.map((e) => e.label)).toEqual(['bright', 'dim']);
    expect(stillsColouring(points, map, 'none').entries).toEqual([]);
  });

  it('turns hues into the colours of the colour wheel', () => {
    expect(hueColour(0)).toBe(0xe05252);
    expect(hueColour(120)).toBe(0x52e052);
    expect(hueColour(240)).toBe(0x5252e0);
  });
});

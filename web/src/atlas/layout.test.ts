/** The atlas's layouts and colourings: pure functions of the atlas data (no WebGL). */
import { describe, expect, it } from 'vitest';
import type { Atlas, AtlasPoint } from '../api.js';
import { colouring, layout, WORLD } from './layout.js';

const point = (id: string, over: Partial<AtlasPoint>): AtlasPoint =>
  ({ id, title: id, year: null, genres: [], cluster: 0, cell: 0, sheet: 0, slot: 0, umap: [0.5, 0.5], pca: [0.5, 0.5], tsne: [0.5, 0.5], ...over }) as AtlasPoint;

const atlasOf = (points: AtlasPoint[], k = 2): Atlas =>
  ({ points, meta: { k, grid: { cols: 2, rows: 2 }, clusters: Array.from({ length: k }, (_, i) => ({ label: `c${i}`, size: points.filter((p) => p.cluster === i).length })), tile: { width: 64, height: 96, perRow: 8 } } }) as unknown as Atlas;

describe('atlas layout', () => {
  it('puts grid cells in distinct places inside the world, and a 2-d layout where the reduction says', () => {
    const points = [0, 1, 2, 3].map((cell) => point(`m${cell}`, { cell, umap: [cell / 4, 1 - cell / 4] }));
    const grid = layout(points, atlasOf(points), 'grid');
    const places = new Set(points.map((_, i) => `${grid[i * 2]},${grid[i * 2 + 1]}`));
    expect(places.size).toBe(4);
    for (const v of grid) expect(v).toBeGreaterThan(0), expect(v).toBeLessThan(WORLD);
    const umap = layout(points, atlasOf(points), 'umap');
    expect([umap[2], umap[3]]).toEqual([0.25 * WORLD, 0.75 * WORLD]);
  });
});

describe('atlas colouring', () => {
  it('orders the legend (decades in time, "unknown" last) and gives each category one colour', () => {
    const points = [point('a', { year: 1995 }), point('b', { year: 1972 }), point('c', { year: null }), point('d', { year: 1999 })];
    const { tints, legend } = colouring(points, atlasOf(points), 'decade');
    expect(legend.map((e) => e.label)).toEqual(['1970s', '1990s', 'unknown']);
    expect(legend.map((e) => e.count)).toEqual([1, 2, 1]);
    expect(tints[0]).toBe(tints[3]);
    expect(new Set([tints[0], tints[1], tints[2]]).size).toBe(3);
  });

  it('orders genres by size and names clusters by their labels; no colouring tints nothing', () => {
    const points = [point('a', { genres: ['Drama'] }), point('b', { genres: ['Comedy'], cluster: 1 }), point('c', { genres: ['Comedy'], cluster: 1 })];
    expect(colouring(points, atlasOf(points), 'genre').legend.map((e) => e.label)).toEqual(['Comedy', 'Drama']);
    expect(colouring(points, atlasOf(points), 'cluster').legend.map((e) => e.label)).toEqual(['c0', 'c1']);
    const none = colouring(points, atlasOf(points), 'none');
    expect(none.legend).toEqual([]);
    expect([...none.tints]).toEqual([0xffffff, 0xffffff, 0xffffff]);
  });
});
